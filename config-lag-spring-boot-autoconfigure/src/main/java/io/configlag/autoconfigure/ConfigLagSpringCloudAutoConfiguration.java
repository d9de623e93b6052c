package io.configlag.autoconfigure;

import io.configlag.cloud.ConfigLagLoggingRebinder;
import io.configlag.cloud.ConsistentRefreshScope;
import io.configlag.cloud.RefreshScopeApplier;
import io.configlag.reload.ReloadConsistency;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.cloud.autoconfigure.RefreshAutoConfiguration;
import org.springframework.cloud.context.scope.refresh.RefreshScope;
import org.springframework.cloud.logging.LoggingRebinder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration
 * Auto-configuration} of everything config-lag does with Spring Cloud Context, in one
 * place:
 * <ul>
 * <li>a reload refreshes the {@code @RefreshScope} beans and publishes an
 * {@code EnvironmentChangeEvent} ({@link RefreshScopeApplier}), whose source keeps Spring
 * Cloud's {@code ConfigurationPropertiesRebinder} from rebinding every bean;</li>
 * <li>the {@code refresh} scope is wrapped so that a refresh-scoped bean is never built
 * from two versions ({@link ConsistentRefreshScope});</li>
 * <li>Spring Cloud's {@link LoggingRebinder} is replaced by one that leaves config-lag's
 * reloads alone ({@link ConfigLagLoggingRebinder}), taking the
 * {@code @ConditionalOnMissingBean} slot of {@link RefreshAutoConfiguration}'s.</li>
 * </ul>
 * Spring Cloud's {@code refresh} endpoint is kept off by
 * {@code io.configlag.cloud.SpringCloudDefaultsEnvironmentPostProcessor}.
 *
 * @author The config-lag developers
 */
@AutoConfiguration(before = RefreshAutoConfiguration.class)
@ConditionalOnClass(RefreshScope.class)
@ConditionalOnBooleanProperty(name = "config.lag.enabled", matchIfMissing = true)
@Conditional(OnConfigLagPathsCondition.class)
public final class ConfigLagSpringCloudAutoConfiguration {

	@Bean
	static ConsistentRefreshScope configLagConsistentRefreshScope(ReloadConsistency configLagReloadConsistency) {
		return new ConsistentRefreshScope(configLagReloadConsistency);
	}

	@Bean
	RefreshScopeApplier configLagRefreshScopeApplier(ObjectProvider<RefreshScope> refreshScope,
			ConfigurableApplicationContext context) {
		return new RefreshScopeApplier(refreshScope, context, context.getBeanFactory());
	}

	@Bean
	@ConditionalOnClass(LoggingRebinder.class)
	@ConditionalOnMissingBean
	static LoggingRebinder loggingRebinder() {
		return new ConfigLagLoggingRebinder();
	}

}
