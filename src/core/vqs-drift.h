/* vqs-drift.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "vqs-arr-models.h"

G_BEGIN_DECLS

#define VQS_TYPE_DRIFT_SNAPSHOT (vqs_drift_snapshot_get_type ())
#define VQS_TYPE_DRIFT_CHANGE   (vqs_drift_change_get_type ())

/* The configuration of an instance that drift detection watches. A
 * snapshot taken at the first successful connection test becomes the
 * baseline; later snapshots are compared against it.
 */
typedef struct _VqsDriftSnapshot VqsDriftSnapshot;

/* APPLICATION is compared for completeness of stored baselines; through
 * the manager a different application never gets this far, since the
 * client reports it as VQS_ARR_ERROR_WRONG_APPLICATION first.
 */
typedef enum
{
  VQS_DRIFT_CATEGORY_VERSION,
  VQS_DRIFT_CATEGORY_APPLICATION,
  VQS_DRIFT_CATEGORY_QUALITY_PROFILE,
  VQS_DRIFT_CATEGORY_ROOT_FOLDER,
  VQS_DRIFT_CATEGORY_TAG,
} VqsDriftCategory;

typedef struct
{
  VqsDriftCategory  category;
  char             *subject;      /* "HD-1080p", "/tv2", "anime", "version" */
  char             *before;       /* "" when the subject was added */
  char             *after;        /* "" when the subject was removed */
  char             *description;  /* a readable, translated sentence */
} VqsDriftChange;

GType             vqs_drift_snapshot_get_type        (void) G_GNUC_CONST;
VqsDriftSnapshot *vqs_drift_snapshot_new             (VqsSystemStatus   *status,
                                                      GPtrArray         *quality_profiles,
                                                      GPtrArray         *root_folders,
                                                      GPtrArray         *tags);
VqsDriftSnapshot *vqs_drift_snapshot_new_from_json   (const char        *json,
                                                      GError           **error);
char             *vqs_drift_snapshot_to_json         (VqsDriftSnapshot  *self);
const char       *vqs_drift_snapshot_get_version     (VqsDriftSnapshot  *self);
guint             vqs_drift_snapshot_get_n_quality_profiles (VqsDriftSnapshot *self);
VqsDriftSnapshot *vqs_drift_snapshot_ref             (VqsDriftSnapshot  *self);
void              vqs_drift_snapshot_unref           (VqsDriftSnapshot  *self);
GPtrArray        *vqs_drift_snapshot_compare         (VqsDriftSnapshot  *baseline,
                                                      VqsDriftSnapshot  *current);

GType             vqs_drift_change_get_type          (void) G_GNUC_CONST;
VqsDriftChange   *vqs_drift_change_copy              (const VqsDriftChange *self);
void              vqs_drift_change_free              (VqsDriftChange    *self);
const char       *vqs_drift_category_to_string       (VqsDriftCategory   category);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsDriftSnapshot, vqs_drift_snapshot_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsDriftChange, vqs_drift_change_free)

G_END_DECLS
