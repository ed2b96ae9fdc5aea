package io.pipool.operator.dependent;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.processing.dependent.kubernetes.CRUDKubernetesDependentResource;
import io.javaoperatorsdk.operator.processing.event.ResourceID;
import io.pipool.api.v1alpha1.PiServerPool;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * An object a pool owns, kept as the pure builder in {@code model} says by the SDK: created,
 * compared and updated with server-side apply when the operator's configuration has it on (the
 * production default), garbage-collected with the pool through its controller owner reference.
 *
 * <p>Each subclass carries {@code @KubernetesDependent(createResourceOnlyIfNotExistingWithSSA =
 * false, informer = @Informer(labelSelector = PoolNames.MANAGED_SELECTOR))}: only objects the
 * operator labelled are cached, and an object already there (created by an earlier run the cache
 * has not seen yet) is taken over by the apply instead of failing the reconcile.
 */
abstract class OwnedDependent<R extends HasMetadata>
    extends CRUDKubernetesDependentResource<R, PiServerPool> {

  private final Function<PiServerPool, String> name;
  private final BiFunction<PiServerPool, Context<PiServerPool>, R> build;

  OwnedDependent(
      Class<R> type,
      Function<PiServerPool, String> name,
      BiFunction<PiServerPool, Context<PiServerPool>, R> build) {
    super(type);
    this.name = name;
    this.build = build;
  }

  @Override
  protected R desired(PiServerPool pool, Context<PiServerPool> context) {
    return build.apply(pool, context);
  }

  /** The object's name is known without building it. */
  @Override
  protected ResourceID targetSecondaryResourceID(PiServerPool pool, Context<PiServerPool> context) {
    return new ResourceID(name.apply(pool), pool.getMetadata().getNamespace());
  }

  /**
   * Without server-side apply a create meets 409 when the object exists but the cache has not seen
   * it yet: it is then updated from the stored copy, as the apply would have done.
   */
  @Override
  public R create(R desired, PiServerPool pool, Context<PiServerPool> context) {
    try {
      return super.create(desired, pool, context);
    } catch (KubernetesClientException e) {
      R stored =
          e.getCode() == 409 && !useSSA(context)
              ? context.getClient().resource(desired).get()
              : null;
      if (stored == null) {
        throw e;
      }
      return update(stored, desired, pool, context);
    }
  }
}
