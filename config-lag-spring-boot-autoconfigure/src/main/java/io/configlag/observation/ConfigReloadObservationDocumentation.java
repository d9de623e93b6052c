package io.configlag.observation;

import io.micrometer.common.docs.KeyName;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;
import io.micrometer.observation.docs.ObservationDocumentation;

/**
 * The {@code config.reload} observation.
 *
 * @author The config-lag developers
 */
enum ConfigReloadObservationDocumentation implements ObservationDocumentation {

	/**
	 * One reload of the mounted configuration.
	 */
	CONFIG_RELOAD {

		@Override
		public Class<? extends ObservationConvention<? extends Observation.Context>> getDefaultConvention() {
			return DefaultConfigReloadObservationConvention.class;
		}

		@Override
		public KeyName[] getLowCardinalityKeyNames() {
			return LowCardinalityKeyNames.values();
		}

		@Override
		public KeyName[] getHighCardinalityKeyNames() {
			return HighCardinalityKeyNames.values();
		}

	};

	/**
	 * Low-cardinality keys: they become meter tags.
	 */
	enum LowCardinalityKeyNames implements KeyName {

		/**
		 * The outcome: {@code applied}, {@code restart-required}, {@code unchanged},
		 * {@code rejected} or {@code rolled-back}.
		 */
		OUTCOME {
			@Override
			public String asString() {
				return "outcome";
			}
		},

		/**
		 * What started the reload: {@code watch}, {@code poll} or {@code manual}.
		 */
		TRIGGER {
			@Override
			public String asString() {
				return "trigger";
			}
		}

	}

	/**
	 * High-cardinality keys: span attributes only, never meter tags.
	 */
	enum HighCardinalityKeyNames implements KeyName {

		/**
		 * The version in effect after the reload.
		 */
		VERSION {
			@Override
			public String asString() {
				return "config.version";
			}
		}

	}

}
