package io.pipool.autoscale;

import io.pipool.autoscale.Decision.ConditionResult;
import io.pipool.autoscale.Decision.MetricValue;
import io.pipool.autoscale.Decision.Recommendation;
import java.util.List;

/**
 * How many nodes should serve before the eligible-node clamp, and why.
 *
 * @param target the stabilized, clamped, rate-limited count (or the held or fixed one)
 * @param history the recommendation history to store
 * @param metrics each metric's value and proposal (empty when autoscaling is off or data missing)
 * @param active the ScalingActive condition
 * @param limited the ScalingLimited condition unless too few nodes qualify
 * @param cause the numbers behind the count, for events: "RequestsPerSecond 152.0 per node (target
 *     50) proposes 3"
 */
record Plan(
    int target,
    List<Recommendation> history,
    List<MetricValue> metrics,
    ConditionResult active,
    ConditionResult limited,
    String cause) {}
