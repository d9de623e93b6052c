package io.configlag.autoconfigure;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionMessage;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code config.lag.paths} lists at least one path, in any of its forms (a
 * comma-separated value or an indexed list).
 *
 * @author The config-lag developers
 */
class OnConfigLagPathsCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		ConditionMessage.Builder message = ConditionMessage.forCondition("config.lag.paths");
		List<String> paths = Binder.get(context.getEnvironment())
			.bind("config.lag.paths", Bindable.listOf(String.class))
			.orElse(List.of());
		if (paths.isEmpty()) {
			return ConditionOutcome.noMatch(message.didNotFind("property", "properties").items("config.lag.paths"));
		}
		return ConditionOutcome.match(message.found("paths").items(paths));
	}

}
