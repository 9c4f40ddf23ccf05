/* vqs-arr-models.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-arr-models"

#include "config.h"

#include "vqs-arr-models.h"

/* Every model is an immutable, atomically reference-counted record: ref
 * is the same for all of them, unref differs only in the fields freed.
 */
#define VQS_DEFINE_MODEL(TypeName, type_name)                              \
  G_DEFINE_BOXED_TYPE (TypeName, type_name, type_name##_ref, type_name##_unref) \
                                                                           \
  TypeName *                                                               \
  type_name##_new (void)                                                   \
  {                                                                        \
    TypeName *self = g_new0 (TypeName, 1);                                 \
                                                                           \
    g_atomic_ref_count_init (&self->ref_count);                            \
    type_name##_init_fields (self);                                        \
    return self;                                                           \
  }                                                                        \
                                                                           \
  TypeName *                                                               \
  type_name##_ref (TypeName *self)                                         \
  {                                                                        \
    g_return_val_if_fail (self != NULL, NULL);                             \
                                                                           \
    g_atomic_ref_count_inc (&self->ref_count);                             \
    return self;                                                           \
  }                                                                        \
                                                                           \
  void                                                                     \
  type_name##_unref (TypeName *self)                                       \
  {                                                                        \
    g_return_if_fail (self != NULL);                                       \
                                                                           \
    if (!g_atomic_ref_count_dec (&self->ref_count))                        \
      return;                                                              \
    type_name##_free_fields (self);                                        \
    g_free (self);                                                         \
  }

void
vqs_wanted_item_clear (VqsWantedItem *item)
{
  g_clear_pointer (&item->title, g_free);
}

GArray *
vqs_wanted_item_array_new (guint reserved)
{
  GArray *items = g_array_sized_new (FALSE, TRUE, sizeof (VqsWantedItem), reserved);

  g_array_set_clear_func (items, (GDestroyNotify)vqs_wanted_item_clear);
  return items;
}

void
vqs_queue_item_clear (VqsQueueItem *item)
{
  g_clear_pointer (&item->title, g_free);
  g_clear_pointer (&item->status, g_free);
  g_clear_pointer (&item->download_id, g_free);
}

GArray *
vqs_queue_item_array_new (guint reserved)
{
  GArray *items = g_array_sized_new (FALSE, TRUE, sizeof (VqsQueueItem), reserved);

  g_array_set_clear_func (items, (GDestroyNotify)vqs_queue_item_clear);
  return items;
}

/* VqsSystemStatus */

static void
vqs_system_status_init_fields (VqsSystemStatus *self)
{
}

static void
vqs_system_status_free_fields (VqsSystemStatus *self)
{
  g_free (self->app_name);
  g_free (self->instance_name);
  g_free (self->version);
  g_free (self->url_base);
  g_free (self->branch);
  g_free (self->os_name);
  g_clear_pointer (&self->start_time, g_date_time_unref);
}

VQS_DEFINE_MODEL (VqsSystemStatus, vqs_system_status)

/* VqsWantedPage */

static void
vqs_wanted_page_init_fields (VqsWantedPage *self)
{
  self->items = vqs_wanted_item_array_new (0);
}

static void
vqs_wanted_page_free_fields (VqsWantedPage *self)
{
  g_free (self->sort_key);
  g_free (self->sort_direction);
  g_clear_pointer (&self->items, g_array_unref);
}

VQS_DEFINE_MODEL (VqsWantedPage, vqs_wanted_page)

/* VqsWantedList */

static void
vqs_wanted_list_init_fields (VqsWantedList *self)
{
  self->items = vqs_wanted_item_array_new (0);
}

static void
vqs_wanted_list_free_fields (VqsWantedList *self)
{
  g_clear_pointer (&self->items, g_array_unref);
}

VQS_DEFINE_MODEL (VqsWantedList, vqs_wanted_list)

/* VqsCommand */

static void
vqs_command_init_fields (VqsCommand *self)
{
}

static void
vqs_command_free_fields (VqsCommand *self)
{
  g_free (self->name);
  g_free (self->command_name);
  g_free (self->status);
  g_free (self->result);
  g_free (self->message);
  g_clear_pointer (&self->queued, g_date_time_unref);
  g_clear_pointer (&self->started, g_date_time_unref);
  g_clear_pointer (&self->ended, g_date_time_unref);
}

VQS_DEFINE_MODEL (VqsCommand, vqs_command)

/**
 * vqs_command_is_finished:
 * @self: a #VqsCommand
 *
 * A command is finished once it left the queued/started states: polling
 * it any further cannot change its outcome.
 *
 * Returns: %TRUE for completed, failed, aborted, cancelled and orphaned
 */
gboolean
vqs_command_is_finished (const VqsCommand *self)
{
  static const char * const finished[] = {
    "completed", "failed", "aborted", "cancelled", "orphaned", NULL,
  };

  g_return_val_if_fail (self != NULL, FALSE);

  if (self->status == NULL)
    return FALSE;

  for (guint i = 0; finished[i] != NULL; i++)
    {
      if (g_ascii_strcasecmp (self->status, finished[i]) == 0)
        return TRUE;
    }

  return FALSE;
}

/* VqsQualityProfile */

static void
vqs_quality_profile_init_fields (VqsQualityProfile *self)
{
}

static void
vqs_quality_profile_free_fields (VqsQualityProfile *self)
{
  g_free (self->name);
  g_free (self->cutoff_name);
  g_strfreev (self->allowed);
}

VQS_DEFINE_MODEL (VqsQualityProfile, vqs_quality_profile)

/* VqsRootFolder */

static void
vqs_root_folder_init_fields (VqsRootFolder *self)
{
  self->free_space = -1;
}

static void
vqs_root_folder_free_fields (VqsRootFolder *self)
{
  g_free (self->path);
}

VQS_DEFINE_MODEL (VqsRootFolder, vqs_root_folder)

/* VqsTag */

static void
vqs_tag_init_fields (VqsTag *self)
{
}

static void
vqs_tag_free_fields (VqsTag *self)
{
  g_free (self->label);
}

VQS_DEFINE_MODEL (VqsTag, vqs_tag)

/* VqsLibraryItem */

static void
vqs_library_item_init_fields (VqsLibraryItem *self)
{
}

static void
vqs_library_item_free_fields (VqsLibraryItem *self)
{
  g_free (self->title);
  g_free (self->sort_title);
  g_free (self->status);
  g_free (self->path);
}

VQS_DEFINE_MODEL (VqsLibraryItem, vqs_library_item)

/* VqsQueuePage */

static void
vqs_queue_page_init_fields (VqsQueuePage *self)
{
  self->items = vqs_queue_item_array_new (0);
}

static void
vqs_queue_page_free_fields (VqsQueuePage *self)
{
  g_clear_pointer (&self->items, g_array_unref);
}

VQS_DEFINE_MODEL (VqsQueuePage, vqs_queue_page)
