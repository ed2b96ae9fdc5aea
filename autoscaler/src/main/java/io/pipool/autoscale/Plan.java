package io.pipool.autoscale;

import io.pipool.autoscale.Decision.ConditionResult;
import io.pipool.autoscale.Decision.Recommendation;
import java.util.List;

/**
 * How many nodes should serve before the eligible-node clamp, and why.
 *
 * @param target the stabilized, clamped, rate-limited count (or the held or fixed one)
 * @param history the recommendation history to store
 * @param active the ScalingActive condition
 * @param limited the ScalingLimited condition unless too few nodes qualify
 * @param cause the numbers behind the count, for events: "14,210 connections, target 3,000 per
 *     replica"
 */
record Plan(
    int target,
    List<Recommendation> history,
    ConditionResult active,
    ConditionResult limited,
    String cause) {}
