/* test-rate-limiter.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "vqs-rate-limiter.h"

/* Timer wakeups may be late, never early, and each grant waits a full
 * interval after the previous one. The test reads the clock in the
 * callback, a few microseconds after the grant; 200 µs covers that.
 */
#define MIN_GAP(interval_us) ((interval_us) - 200)
#define TOLERANCE_US 3000

typedef struct
{
  int     n_done;
  GArray *order;      /* int: index of each granted waiter, in grant order */
  GArray *times;      /* gint64: monotonic time of each grant */
  int     n_cancelled;
  int     cancelled_index;
} Recorder;

typedef struct
{
  Recorder *recorder;
  int       index;
} Waiter;

static void
recorder_init (Recorder *recorder)
{
  recorder->n_done = 0;
  recorder->order = g_array_new (FALSE, FALSE, sizeof (int));
  recorder->times = g_array_new (FALSE, FALSE, sizeof (gint64));
  recorder->n_cancelled = 0;
  recorder->cancelled_index = -1;
}

static void
recorder_clear (Recorder *recorder)
{
  g_array_unref (recorder->order);
  g_array_unref (recorder->times);
}

static void
acquired_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Waiter *waiter = user_data;
  Recorder *recorder = waiter->recorder;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();

  recorder->n_done++;
  if (vqs_rate_limiter_acquire_finish (VQS_RATE_LIMITER (object), result, &error))
    {
      g_array_append_val (recorder->order, waiter->index);
      g_array_append_val (recorder->times, now);
    }
  else
    {
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
      recorder->n_cancelled++;
      recorder->cancelled_index = waiter->index;
    }

  g_free (waiter);
}

static void
acquire (VqsRateLimiter *limiter,
         Recorder       *recorder,
         int             index,
         GCancellable   *cancellable)
{
  Waiter *waiter = g_new0 (Waiter, 1);

  waiter->recorder = recorder;
  waiter->index = index;
  vqs_rate_limiter_acquire_async (limiter, cancellable, acquired_cb, waiter);
}

static void
run_until_done (Recorder *recorder,
                int       n)
{
  while (recorder->n_done < n)
    g_main_context_iteration (NULL, TRUE);
}

static void
assert_fifo (Recorder *recorder)
{
  for (guint i = 1; i < recorder->order->len; i++)
    g_assert_cmpint (g_array_index (recorder->order, int, i - 1), <,
                     g_array_index (recorder->order, int, i));
}

static void
assert_spacing (Recorder *recorder,
                gint64    interval_us)
{
  for (guint i = 1; i < recorder->times->len; i++)
    {
      gint64 gap = g_array_index (recorder->times, gint64, i) -
                   g_array_index (recorder->times, gint64, i - 1);

      g_assert_cmpint (gap, >=, MIN_GAP (interval_us));
    }
}

static void
test_unlimited (void)
{
  g_autoptr(VqsRateLimiter) limiter = vqs_rate_limiter_new (0);
  Recorder recorder;

  recorder_init (&recorder);

  /* Without a limit, nobody ever queues. */
  for (int i = 0; i < 50; i++)
    {
      acquire (limiter, &recorder, i, NULL);
      g_assert_cmpuint (vqs_rate_limiter_get_queue_length (limiter), ==, 0);
    }

  run_until_done (&recorder, 50);
  g_assert_cmpuint (recorder.order->len, ==, 50);
  g_assert_cmpint (recorder.n_cancelled, ==, 0);
  assert_fifo (&recorder);

  recorder_clear (&recorder);
}

static void
test_spacing_fifo (void)
{
  g_autoptr(VqsRateLimiter) limiter = vqs_rate_limiter_new (600);
  Recorder recorder;
  const int n = 6;

  recorder_init (&recorder);
  g_assert_cmpuint (vqs_rate_limiter_get_per_minute (limiter), ==, 600);

  /* The first waiter starts at once, the other five queue behind it. */
  for (int i = 0; i < n; i++)
    acquire (limiter, &recorder, i, NULL);
  g_assert_cmpuint (vqs_rate_limiter_get_queue_length (limiter), ==, n - 1);

  run_until_done (&recorder, n);
  g_assert_cmpuint (recorder.order->len, ==, n);
  g_assert_cmpuint (vqs_rate_limiter_get_queue_length (limiter), ==, 0);
  assert_fifo (&recorder);
  assert_spacing (&recorder, 100 * 1000);

  recorder_clear (&recorder);
}

static void
test_cancel_one (void)
{
  g_autoptr(VqsRateLimiter) limiter = vqs_rate_limiter_new (600);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Recorder recorder;
  gint64 start;

  recorder_init (&recorder);

  acquire (limiter, &recorder, 0, NULL);
  acquire (limiter, &recorder, 1, NULL);
  acquire (limiter, &recorder, 2, cancellable);
  acquire (limiter, &recorder, 3, NULL);
  acquire (limiter, &recorder, 4, NULL);
  g_assert_cmpuint (vqs_rate_limiter_get_queue_length (limiter), ==, 4);

  /* Let the first one through, then cancel the third while it waits. */
  while (recorder.n_done < 1)
    g_main_context_iteration (NULL, TRUE);

  start = g_get_monotonic_time ();
  g_cancellable_cancel (cancellable);
  while (recorder.n_cancelled < 1)
    g_main_context_iteration (NULL, TRUE);

  /* It left at once, long before its slot, and only it left. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, 50 * 1000);
  g_assert_cmpint (recorder.cancelled_index, ==, 2);
  g_assert_cmpuint (vqs_rate_limiter_get_queue_length (limiter), ==, 3);

  run_until_done (&recorder, 5);
  g_assert_cmpuint (recorder.order->len, ==, 4);
  g_assert_cmpint (g_array_index (recorder.order, int, 0), ==, 0);
  g_assert_cmpint (g_array_index (recorder.order, int, 1), ==, 1);
  g_assert_cmpint (g_array_index (recorder.order, int, 2), ==, 3);
  g_assert_cmpint (g_array_index (recorder.order, int, 3), ==, 4);
  assert_spacing (&recorder, 100 * 1000);

  recorder_clear (&recorder);
}

static void
test_already_cancelled (void)
{
  g_autoptr(VqsRateLimiter) limiter = vqs_rate_limiter_new (60);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Recorder recorder;

  recorder_init (&recorder);
  g_cancellable_cancel (cancellable);

  acquire (limiter, &recorder, 0, cancellable);
  run_until_done (&recorder, 1);
  g_assert_cmpint (recorder.n_cancelled, ==, 1);
  g_assert_cmpuint (vqs_rate_limiter_get_queue_length (limiter), ==, 0);

  recorder_clear (&recorder);
}

/* Saturated, the limiter must keep to its grid: n starts span (n - 1)
 * intervals, not (n - 1) intervals plus the accumulated lateness of each
 * wakeup. The bound is the 95% of the limit the client promises.
 */
static void
test_no_drift (void)
{
  g_autoptr(VqsRateLimiter) limiter = vqs_rate_limiter_new (600);
  Recorder recorder;
  const int n = 11;
  const gint64 interval_us = 100 * 1000;
  gint64 span;

  recorder_init (&recorder);

  for (int i = 0; i < n; i++)
    acquire (limiter, &recorder, i, NULL);
  run_until_done (&recorder, n);

  g_assert_cmpuint (recorder.order->len, ==, n);
  assert_fifo (&recorder);
  assert_spacing (&recorder, interval_us);

  span = g_array_index (recorder.times, gint64, n - 1) - g_array_index (recorder.times, gint64, 0);
  g_assert_cmpint (span, >=, (n - 1) * interval_us - TOLERANCE_US);
  g_assert_cmpint (span, <=, (n - 1) * interval_us * 100 / 95);

  recorder_clear (&recorder);
}

static void
test_change_limit (void)
{
  g_autoptr(VqsRateLimiter) limiter = vqs_rate_limiter_new (6);
  Recorder recorder;

  recorder_init (&recorder);

  /* At 6 a minute the second waiter would wait ten seconds; lifting the
   * limit releases it and the others at once, in order.
   */
  for (int i = 0; i < 4; i++)
    acquire (limiter, &recorder, i, NULL);
  while (recorder.n_done < 1)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpuint (vqs_rate_limiter_get_queue_length (limiter), ==, 3);

  vqs_rate_limiter_set_per_minute (limiter, 0);
  g_assert_cmpuint (vqs_rate_limiter_get_queue_length (limiter), ==, 0);
  run_until_done (&recorder, 4);
  assert_fifo (&recorder);

  recorder_clear (&recorder);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/vqs/rate-limiter/unlimited", test_unlimited);
  g_test_add_func ("/vqs/rate-limiter/spacing-fifo", test_spacing_fifo);
  g_test_add_func ("/vqs/rate-limiter/cancel-one", test_cancel_one);
  g_test_add_func ("/vqs/rate-limiter/already-cancelled", test_already_cancelled);
  g_test_add_func ("/vqs/rate-limiter/no-drift", test_no_drift);
  g_test_add_func ("/vqs/rate-limiter/change-limit", test_change_limit);

  return g_test_run ();
}
