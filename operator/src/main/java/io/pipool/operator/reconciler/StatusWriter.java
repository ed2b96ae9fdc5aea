package io.pipool.operator.reconciler;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.javaoperatorsdk.operator.api.reconciler.Context;
import io.javaoperatorsdk.operator.api.reconciler.ErrorStatusUpdateControl;
import io.javaoperatorsdk.operator.api.reconciler.PrimaryUpdateAndCacheUtils;
import io.javaoperatorsdk.operator.api.reconciler.UpdateControl;
import io.pipool.api.v1alpha1.PiServerPool;
import io.pipool.api.v1alpha1.PiServerPoolStatus;

/**
 * Writes a pool's status: with server-side apply (the production default) the SDK applies the
 * status alone; without it (the mock API server) a locked update of the whole status is made here.
 */
final class StatusWriter {

  private final boolean serverSideApply;

  StatusWriter(boolean serverSideApply) {
    this.serverSideApply = serverSideApply;
  }

  /** The control that writes {@code next}, or that has already written it. */
  UpdateControl<PiServerPool> write(
      PiServerPool pool, Context<PiServerPool> context, PiServerPoolStatus next) {
    PiServerPool patch = writeUnlessApplied(pool, context, next);
    return patch == null ? UpdateControl.noUpdate() : UpdateControl.patchStatus(patch);
  }

  /** The same for the error path. */
  ErrorStatusUpdateControl<PiServerPool> writeError(
      PiServerPool pool, Context<PiServerPool> context, PiServerPoolStatus next) {
    PiServerPool patch = writeUnlessApplied(pool, context, next);
    return patch == null
        ? ErrorStatusUpdateControl.noStatusUpdate()
        : ErrorStatusUpdateControl.patchStatus(patch);
  }

  /** What the SDK should apply, or null when the status was written here already. */
  private PiServerPool writeUnlessApplied(
      PiServerPool pool, Context<PiServerPool> context, PiServerPoolStatus next) {
    if (serverSideApply) {
      return statusOnly(pool, next);
    }
    writeWithLock(pool, context, next);
    return null;
  }

  /**
   * Without server-side apply the SDK's status patch is a JSON patch computed against the cached
   * pool with locking off; against a stale cache it can remove the wrong list entry. A locked PUT
   * of the whole status (re-read and retried on conflict, result cached) cannot.
   */
  private static void writeWithLock(
      PiServerPool pool, Context<PiServerPool> context, PiServerPoolStatus next) {
    PrimaryUpdateAndCacheUtils.updateStatusAndCacheResource(
        pool,
        context,
        p -> {
          p.setStatus(next);
          return p;
        });
  }

  /**
   * Only what the status write needs: with server-side apply the operator then owns just the status
   * fields, never the user's spec or metadata. A new PiServerPool carries no spec, so none is sent.
   */
  static PiServerPool statusOnly(PiServerPool pool, PiServerPoolStatus status) {
    PiServerPool patch = new PiServerPool();
    patch.setMetadata(
        new ObjectMetaBuilder()
            .withName(pool.getMetadata().getName())
            .withNamespace(pool.getMetadata().getNamespace())
            .build());
    patch.setStatus(status);
    return patch;
  }
}
