/* vqs-rate-limiter.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define VQS_TYPE_RATE_LIMITER (vqs_rate_limiter_get_type ())

G_DECLARE_FINAL_TYPE (VqsRateLimiter, vqs_rate_limiter, VQS, RATE_LIMITER, GObject)

/* Spaces the start of requests to one server at least 60/R seconds apart
 * for a limit of R per minute. Waiters are served strictly in the order
 * they asked, each as soon as its slot opens; the waiting is a main-loop
 * timeout, never a blocking sleep. A limit of 0 means "no limit".
 */
VqsRateLimiter *vqs_rate_limiter_new              (guint                per_minute);
guint           vqs_rate_limiter_get_per_minute   (VqsRateLimiter      *self);
void            vqs_rate_limiter_set_per_minute   (VqsRateLimiter      *self,
                                                   guint                per_minute);
guint           vqs_rate_limiter_get_queue_length (VqsRateLimiter      *self);
void            vqs_rate_limiter_acquire_async    (VqsRateLimiter      *self,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data);
gboolean        vqs_rate_limiter_acquire_finish   (VqsRateLimiter      *self,
                                                   GAsyncResult        *result,
                                                   GError             **error);

G_END_DECLS
