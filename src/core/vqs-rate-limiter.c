/* vqs-rate-limiter.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-rate-limiter"

#include "config.h"

#include "vqs-rate-limiter.h"

/* A start is granted no earlier than one interval after the previous
 * grant, measured from when that grant really happened: the limit is a
 * promise to the server, so a late wakeup is never made up for by a
 * shorter gap. The timer is a GSource with a microsecond ready time, so
 * the lateness that does accumulate is a fraction of a millisecond per
 * slot, and a saturated limiter still reaches well over 95% of its rate.
 */

struct _VqsRateLimiter
{
  GObject  parent_instance;

  guint    per_minute;
  gint64   interval_us;
  gint64   last_slot_us;   /* start time granted last; 0 = never */
  gboolean has_slot;

  GQueue   waiters;        /* Waiter*, FIFO */
  GSource *timer;
};

typedef struct
{
  VqsRateLimiter *self;
  GTask          *task;
  GSource        *cancel_source;
} Waiter;

G_DEFINE_FINAL_TYPE (VqsRateLimiter, vqs_rate_limiter, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PER_MINUTE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void schedule_timer (VqsRateLimiter *self);

static gint64
interval_for (guint per_minute)
{
  if (per_minute == 0)
    return 0;

  /* Round up so that R starts never fit in less than a minute. */
  return (G_USEC_PER_SEC * 60 + per_minute - 1) / per_minute;
}

static gint64
next_slot (VqsRateLimiter *self)
{
  if (!self->has_slot || self->interval_us == 0)
    return 0;

  return self->last_slot_us + self->interval_us;
}

/* Takes the next slot for a start happening at @now and returns TRUE, or
 * returns FALSE when the next slot is still in the future.
 */
static gboolean
take_slot (VqsRateLimiter *self,
           gint64          now)
{
  if (next_slot (self) > now)
    return FALSE;

  self->last_slot_us = now;
  self->has_slot = TRUE;
  return TRUE;
}

static void
waiter_free (Waiter *waiter)
{
  if (waiter->cancel_source != NULL)
    {
      g_source_destroy (waiter->cancel_source);
      g_source_unref (waiter->cancel_source);
    }
  g_clear_object (&waiter->task);
  g_free (waiter);
}

static void
grant_waiters (VqsRateLimiter *self)
{
  gint64 now = g_get_monotonic_time ();

  while (!g_queue_is_empty (&self->waiters) && take_slot (self, now))
    {
      Waiter *waiter = g_queue_pop_head (&self->waiters);
      GTask *task = g_steal_pointer (&waiter->task);

      waiter_free (waiter);
      g_task_return_boolean (task, TRUE);
      g_object_unref (task);
    }

  schedule_timer (self);
}

static gboolean
timer_dispatch (GSource     *source,
                GSourceFunc  callback,
                gpointer     user_data)
{
  return callback (user_data);
}

static GSourceFuncs timer_funcs = {
  NULL, NULL, timer_dispatch, NULL, NULL, NULL,
};

static gboolean
timer_fired_cb (gpointer user_data)
{
  VqsRateLimiter *self = user_data;

  g_clear_pointer (&self->timer, g_source_unref);
  grant_waiters (self);

  return G_SOURCE_REMOVE;
}

/* A bare GSource with a ready time in microseconds: g_timeout_add() only
 * has millisecond resolution, which would add up to 1 ms per slot.
 */
static void
schedule_timer (VqsRateLimiter *self)
{
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }

  if (g_queue_is_empty (&self->waiters))
    return;

  self->timer = g_source_new (&timer_funcs, sizeof (GSource));
  g_source_set_static_name (self->timer, "[vqs] rate limiter slot");
  g_source_set_callback (self->timer, timer_fired_cb, self, NULL);
  g_source_set_ready_time (self->timer, next_slot (self));
  g_source_attach (self->timer, g_main_context_get_thread_default ());
}

static gboolean
waiter_cancelled_cb (GCancellable *cancellable,
                     gpointer      user_data)
{
  Waiter *waiter = user_data;
  VqsRateLimiter *self = waiter->self;
  GTask *task = g_steal_pointer (&waiter->task);

  /* Only this waiter leaves the queue; the others keep their order and
   * the slot it would have used goes to the next one.
   */
  g_queue_remove (&self->waiters, waiter);
  waiter_free (waiter);

  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                           "The operation was cancelled");
  g_object_unref (task);

  schedule_timer (self);

  return G_SOURCE_REMOVE;
}

static void
vqs_rate_limiter_finalize (GObject *object)
{
  VqsRateLimiter *self = (VqsRateLimiter *)object;

  /* Waiters hold a reference on the limiter through their task, so the
   * queue is empty here and so is the timer.
   */
  g_assert (g_queue_is_empty (&self->waiters));
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }

  G_OBJECT_CLASS (vqs_rate_limiter_parent_class)->finalize (object);
}

static void
vqs_rate_limiter_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  VqsRateLimiter *self = VQS_RATE_LIMITER (object);

  switch (prop_id)
    {
    case PROP_PER_MINUTE:
      g_value_set_uint (value, vqs_rate_limiter_get_per_minute (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_rate_limiter_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  VqsRateLimiter *self = VQS_RATE_LIMITER (object);

  switch (prop_id)
    {
    case PROP_PER_MINUTE:
      vqs_rate_limiter_set_per_minute (self, g_value_get_uint (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
vqs_rate_limiter_class_init (VqsRateLimiterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = vqs_rate_limiter_finalize;
  object_class->get_property = vqs_rate_limiter_get_property;
  object_class->set_property = vqs_rate_limiter_set_property;

  properties[PROP_PER_MINUTE] =
    g_param_spec_uint ("per-minute", NULL, NULL,
                       0, G_MAXUINT, 60,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
vqs_rate_limiter_init (VqsRateLimiter *self)
{
  g_queue_init (&self->waiters);
  self->per_minute = 60;
  self->interval_us = interval_for (60);
}

VqsRateLimiter *
vqs_rate_limiter_new (guint per_minute)
{
  return g_object_new (VQS_TYPE_RATE_LIMITER,
                       "per-minute", per_minute,
                       NULL);
}

guint
vqs_rate_limiter_get_per_minute (VqsRateLimiter *self)
{
  g_return_val_if_fail (VQS_IS_RATE_LIMITER (self), 0);

  return self->per_minute;
}

void
vqs_rate_limiter_set_per_minute (VqsRateLimiter *self,
                                 guint           per_minute)
{
  g_return_if_fail (VQS_IS_RATE_LIMITER (self));

  if (self->per_minute == per_minute)
    return;

  self->per_minute = per_minute;
  self->interval_us = interval_for (per_minute);

  /* The new interval counts from the last start: waiters may now be due
   * earlier or later than the timer says.
   */
  grant_waiters (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PER_MINUTE]);
}

guint
vqs_rate_limiter_get_queue_length (VqsRateLimiter *self)
{
  g_return_val_if_fail (VQS_IS_RATE_LIMITER (self), 0);

  return self->waiters.length;
}

/**
 * vqs_rate_limiter_acquire_async:
 * @self: a #VqsRateLimiter
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the slot opens
 * @user_data: data for @callback
 *
 * Waits for the next free start slot. The callback runs on the thread
 * default main context of the caller; cancelling removes only this
 * waiter from the queue.
 */
void
vqs_rate_limiter_acquire_async (VqsRateLimiter      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Waiter *waiter;

  g_return_if_fail (VQS_IS_RATE_LIMITER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, vqs_rate_limiter_acquire_async);

  if (g_task_return_error_if_cancelled (task))
    return;

  if (g_queue_is_empty (&self->waiters) && take_slot (self, g_get_monotonic_time ()))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  waiter = g_new0 (Waiter, 1);
  waiter->self = self;
  waiter->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      waiter->cancel_source = g_cancellable_source_new (cancellable);
      g_source_set_static_name (waiter->cancel_source, "[vqs] rate limiter cancel");
      g_source_set_callback (waiter->cancel_source, G_SOURCE_FUNC (waiter_cancelled_cb),
                             waiter, NULL);
      g_source_attach (waiter->cancel_source, g_main_context_get_thread_default ());
    }
  g_queue_push_tail (&self->waiters, waiter);

  if (self->waiters.length == 1)
    schedule_timer (self);
}

gboolean
vqs_rate_limiter_acquire_finish (VqsRateLimiter  *self,
                                 GAsyncResult    *result,
                                 GError         **error)
{
  g_return_val_if_fail (VQS_IS_RATE_LIMITER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
