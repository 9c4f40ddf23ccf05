/* vqs-drift.c
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "vqs-drift"

#include "config.h"

#include <glib/gi18n.h>
#include <json-glib/json-glib.h>

#include "vqs-drift.h"

/* Bumped when the JSON layout of a persisted baseline changes. */
#define SNAPSHOT_FORMAT 1

typedef struct
{
  char     *name;
  char     *cutoff;
  GStrv     allowed;
  gboolean  upgrade_allowed;
} ProfileSnapshot;

struct _VqsDriftSnapshot
{
  gatomicrefcount  ref_count;
  char            *version;
  char            *app_name;
  GPtrArray       *profiles;      /* ProfileSnapshot, sorted by name */
  GStrv            root_folders;  /* sorted */
  GStrv            tags;          /* sorted */
};

G_DEFINE_BOXED_TYPE (VqsDriftSnapshot, vqs_drift_snapshot,
                     vqs_drift_snapshot_ref, vqs_drift_snapshot_unref)
G_DEFINE_BOXED_TYPE (VqsDriftChange, vqs_drift_change,
                     vqs_drift_change_copy, vqs_drift_change_free)

static void
profile_snapshot_free (ProfileSnapshot *profile)
{
  g_free (profile->name);
  g_free (profile->cutoff);
  g_strfreev (profile->allowed);
  g_free (profile);
}

static int
compare_profiles (gconstpointer a,
                  gconstpointer b)
{
  const ProfileSnapshot *pa = *(const ProfileSnapshot * const *)a;
  const ProfileSnapshot *pb = *(const ProfileSnapshot * const *)b;

  return g_strcmp0 (pa->name, pb->name);
}

static int
compare_strings (gconstpointer a,
                 gconstpointer b)
{
  return g_strcmp0 (*(const char * const *)a, *(const char * const *)b);
}

static GStrv
sorted_strv (GPtrArray *strings)
{
  g_ptr_array_sort (strings, compare_strings);
  g_ptr_array_add (strings, NULL);

  return (GStrv)g_ptr_array_free (strings, FALSE);
}

static VqsDriftSnapshot *
snapshot_alloc (void)
{
  VqsDriftSnapshot *self = g_new0 (VqsDriftSnapshot, 1);

  g_atomic_ref_count_init (&self->ref_count);
  self->profiles = g_ptr_array_new_with_free_func ((GDestroyNotify)profile_snapshot_free);

  return self;
}

/**
 * vqs_drift_snapshot_new:
 * @status: the instance's system status
 * @quality_profiles: (element-type VqsQualityProfile): its quality profiles
 * @root_folders: (element-type VqsRootFolder): its root folders
 * @tags: (element-type VqsTag): its tags
 *
 * Captures the parts of an instance's configuration that drift detection
 * compares. Lists are sorted so that two snapshots of the same
 * configuration compare equal whatever order the server answered in.
 *
 * Returns: (transfer full): a new snapshot
 */
VqsDriftSnapshot *
vqs_drift_snapshot_new (VqsSystemStatus *status,
                        GPtrArray       *quality_profiles,
                        GPtrArray       *root_folders,
                        GPtrArray       *tags)
{
  VqsDriftSnapshot *self;
  GPtrArray *strings;

  g_return_val_if_fail (status != NULL, NULL);
  g_return_val_if_fail (quality_profiles != NULL, NULL);
  g_return_val_if_fail (root_folders != NULL, NULL);
  g_return_val_if_fail (tags != NULL, NULL);

  self = snapshot_alloc ();
  self->version = g_strdup (status->version ? status->version : "");
  self->app_name = g_strdup (status->app_name ? status->app_name : "");

  for (guint i = 0; i < quality_profiles->len; i++)
    {
      const VqsQualityProfile *qp = g_ptr_array_index (quality_profiles, i);
      ProfileSnapshot *profile = g_new0 (ProfileSnapshot, 1);

      profile->name = g_strdup (qp->name ? qp->name : "");
      profile->cutoff = g_strdup (qp->cutoff_name ? qp->cutoff_name : "");
      profile->upgrade_allowed = qp->upgrade_allowed;
      profile->allowed = g_strdupv (qp->allowed);
      if (profile->allowed == NULL)
        profile->allowed = g_new0 (char *, 1);
      g_ptr_array_add (self->profiles, profile);
    }
  g_ptr_array_sort (self->profiles, compare_profiles);

  strings = g_ptr_array_new ();
  for (guint i = 0; i < root_folders->len; i++)
    {
      const VqsRootFolder *folder = g_ptr_array_index (root_folders, i);
      g_ptr_array_add (strings, g_strdup (folder->path ? folder->path : ""));
    }
  self->root_folders = sorted_strv (strings);

  strings = g_ptr_array_new ();
  for (guint i = 0; i < tags->len; i++)
    {
      const VqsTag *tag = g_ptr_array_index (tags, i);
      g_ptr_array_add (strings, g_strdup (tag->label ? tag->label : ""));
    }
  self->tags = sorted_strv (strings);

  return self;
}

VqsDriftSnapshot *
vqs_drift_snapshot_ref (VqsDriftSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);

  return self;
}

void
vqs_drift_snapshot_unref (VqsDriftSnapshot *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  g_free (self->version);
  g_free (self->app_name);
  g_ptr_array_unref (self->profiles);
  g_strfreev (self->root_folders);
  g_strfreev (self->tags);
  g_free (self);
}

const char *
vqs_drift_snapshot_get_version (VqsDriftSnapshot *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->version;
}

guint
vqs_drift_snapshot_get_n_quality_profiles (VqsDriftSnapshot *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->profiles->len;
}

static void
add_string_array (JsonBuilder        *builder,
                  const char         *member,
                  const char * const *strings)
{
  json_builder_set_member_name (builder, member);
  json_builder_begin_array (builder);
  for (guint i = 0; strings != NULL && strings[i] != NULL; i++)
    json_builder_add_string_value (builder, strings[i]);
  json_builder_end_array (builder);
}

/**
 * vqs_drift_snapshot_to_json:
 * @self: a #VqsDriftSnapshot
 *
 * Returns: (transfer full): the snapshot as compact JSON, for storage as
 *   a baseline
 */
char *
vqs_drift_snapshot_to_json (VqsDriftSnapshot *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "format");
  json_builder_add_int_value (builder, SNAPSHOT_FORMAT);
  json_builder_set_member_name (builder, "version");
  json_builder_add_string_value (builder, self->version);
  json_builder_set_member_name (builder, "appName");
  json_builder_add_string_value (builder, self->app_name);

  json_builder_set_member_name (builder, "qualityProfiles");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->profiles->len; i++)
    {
      const ProfileSnapshot *profile = g_ptr_array_index (self->profiles, i);

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "name");
      json_builder_add_string_value (builder, profile->name);
      json_builder_set_member_name (builder, "cutoff");
      json_builder_add_string_value (builder, profile->cutoff);
      json_builder_set_member_name (builder, "upgradeAllowed");
      json_builder_add_boolean_value (builder, profile->upgrade_allowed);
      add_string_array (builder, "allowed", (const char * const *)profile->allowed);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  add_string_array (builder, "rootFolders", (const char * const *)self->root_folders);
  add_string_array (builder, "tags", (const char * const *)self->tags);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);

  return json_generator_to_data (generator, NULL);
}

static GStrv
read_string_array (JsonObject *object,
                   const char *member,
                   gboolean    sort)
{
  GPtrArray *strings = g_ptr_array_new ();
  JsonArray *array = NULL;

  if (json_object_has_member (object, member) &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, member)))
    array = json_object_get_array_member (object, member);

  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);

      if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
        g_ptr_array_add (strings, g_strdup (json_node_get_string (node)));
    }

  if (sort)
    return sorted_strv (strings);

  g_ptr_array_add (strings, NULL);
  return (GStrv)g_ptr_array_free (strings, FALSE);
}

/**
 * vqs_drift_snapshot_new_from_json:
 * @json: a baseline written by vqs_drift_snapshot_to_json()
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the snapshot, or %NULL if @json is
 *   not a baseline of a known format
 */
VqsDriftSnapshot *
vqs_drift_snapshot_new_from_json (const char  *json,
                                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(VqsDriftSnapshot) self = NULL;
  JsonObject *object;
  JsonArray *profiles = NULL;

  g_return_val_if_fail (json != NULL, NULL);

  if (!json_parser_load_from_data (parser, json, -1, error))
    return NULL;

  if (json_parser_get_root (parser) == NULL ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The stored configuration baseline is damaged."));
      return NULL;
    }

  object = json_node_get_object (json_parser_get_root (parser));
  if (json_object_get_int_member_with_default (object, "format", 0) != SNAPSHOT_FORMAT)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                           _("The stored configuration baseline has an unknown format."));
      return NULL;
    }

  self = snapshot_alloc ();
  self->version = g_strdup (json_object_get_string_member_with_default (object, "version", ""));
  self->app_name = g_strdup (json_object_get_string_member_with_default (object, "appName", ""));
  self->root_folders = read_string_array (object, "rootFolders", TRUE);
  self->tags = read_string_array (object, "tags", TRUE);

  if (json_object_has_member (object, "qualityProfiles") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "qualityProfiles")))
    profiles = json_object_get_array_member (object, "qualityProfiles");

  for (guint i = 0; profiles != NULL && i < json_array_get_length (profiles); i++)
    {
      JsonNode *node = json_array_get_element (profiles, i);
      JsonObject *po;
      ProfileSnapshot *profile;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;

      po = json_node_get_object (node);
      profile = g_new0 (ProfileSnapshot, 1);
      profile->name = g_strdup (json_object_get_string_member_with_default (po, "name", ""));
      profile->cutoff = g_strdup (json_object_get_string_member_with_default (po, "cutoff", ""));
      profile->upgrade_allowed =
        json_object_get_boolean_member_with_default (po, "upgradeAllowed", FALSE);
      /* Allowed qualities keep the server's worst-to-best order. */
      profile->allowed = read_string_array (po, "allowed", FALSE);
      g_ptr_array_add (self->profiles, profile);
    }
  g_ptr_array_sort (self->profiles, compare_profiles);

  return g_steal_pointer (&self);
}

VqsDriftChange *
vqs_drift_change_copy (const VqsDriftChange *self)
{
  VqsDriftChange *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = g_new0 (VqsDriftChange, 1);
  copy->category = self->category;
  copy->subject = g_strdup (self->subject);
  copy->before = g_strdup (self->before);
  copy->after = g_strdup (self->after);
  copy->description = g_strdup (self->description);

  return copy;
}

void
vqs_drift_change_free (VqsDriftChange *self)
{
  if (self == NULL)
    return;

  g_free (self->subject);
  g_free (self->before);
  g_free (self->after);
  g_free (self->description);
  g_free (self);
}

const char *
vqs_drift_category_to_string (VqsDriftCategory category)
{
  switch (category)
    {
    case VQS_DRIFT_CATEGORY_VERSION:
      return "version";
    case VQS_DRIFT_CATEGORY_APPLICATION:
      return "application";
    case VQS_DRIFT_CATEGORY_QUALITY_PROFILE:
      return "quality-profile";
    case VQS_DRIFT_CATEGORY_ROOT_FOLDER:
      return "root-folder";
    case VQS_DRIFT_CATEGORY_TAG:
      return "tag";
    default:
      g_return_val_if_reached ("unknown");
    }
}

/* Takes ownership of @description. */
static void
add_change (GPtrArray        *changes,
            VqsDriftCategory  category,
            const char       *subject,
            const char       *before,
            const char       *after,
            char             *description)
{
  VqsDriftChange *change = g_new0 (VqsDriftChange, 1);

  change->category = category;
  change->subject = g_strdup (subject);
  change->before = g_strdup (before ? before : "");
  change->after = g_strdup (after ? after : "");
  change->description = description;

  g_ptr_array_add (changes, change);
}

static const ProfileSnapshot *
find_profile (VqsDriftSnapshot *snapshot,
              const char       *name)
{
  for (guint i = 0; i < snapshot->profiles->len; i++)
    {
      const ProfileSnapshot *profile = g_ptr_array_index (snapshot->profiles, i);

      if (g_strcmp0 (profile->name, name) == 0)
        return profile;
    }

  return NULL;
}

static char *
join_difference (const char * const *from,
                 const char * const *minus)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  for (guint i = 0; from[i] != NULL; i++)
    {
      if (!g_strv_contains (minus, from[i]))
        g_ptr_array_add (missing, (gpointer)from[i]);
    }

  if (missing->len == 0)
    return NULL;

  g_ptr_array_add (missing, NULL);

  return g_strjoinv (", ", (GStrv)missing->pdata);
}

static void
compare_allowed (GPtrArray             *changes,
                 const ProfileSnapshot *before,
                 const ProfileSnapshot *after)
{
  const char * const *old_allowed = (const char * const *)before->allowed;
  const char * const *new_allowed = (const char * const *)after->allowed;
  g_autofree char *added = join_difference (new_allowed, old_allowed);
  g_autofree char *removed = join_difference (old_allowed, new_allowed);
  g_autofree char *old_list = NULL;
  g_autofree char *new_list = NULL;

  if (added == NULL && removed == NULL)
    return;

  old_list = g_strjoinv (", ", before->allowed);
  new_list = g_strjoinv (", ", after->allowed);

  if (added != NULL && removed != NULL)
    add_change (changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, after->name, old_list, new_list,
                g_strdup_printf (_("Quality profile '%s': now allows %s "
                                   "and no longer allows %s"),
                                 after->name, added, removed));
  else if (added != NULL)
    add_change (changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, after->name, old_list, new_list,
                g_strdup_printf (_("Quality profile '%s': now allows %s"), after->name, added));
  else
    add_change (changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, after->name, old_list, new_list,
                g_strdup_printf (_("Quality profile '%s': no longer allows %s"),
                                 after->name, removed));
}

static void
compare_profile (GPtrArray             *changes,
                 const ProfileSnapshot *before,
                 const ProfileSnapshot *after)
{
  if (g_strcmp0 (before->cutoff, after->cutoff) != 0)
    add_change (changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, after->name,
                before->cutoff, after->cutoff,
                g_strdup_printf (_("Quality profile '%s': cutoff %s → %s"),
                                 after->name, before->cutoff, after->cutoff));

  if (before->upgrade_allowed != after->upgrade_allowed)
    add_change (changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, after->name,
                before->upgrade_allowed ? "true" : "false",
                after->upgrade_allowed ? "true" : "false",
                g_strdup_printf (after->upgrade_allowed
                  ? _("Quality profile '%s': upgrades are now allowed")
                  : _("Quality profile '%s': upgrades are no longer allowed"), after->name));

  compare_allowed (changes, before, after);
}

static void
compare_profiles_of (GPtrArray        *changes,
                     VqsDriftSnapshot *baseline,
                     VqsDriftSnapshot *current)
{
  for (guint i = 0; i < baseline->profiles->len; i++)
    {
      const ProfileSnapshot *before = g_ptr_array_index (baseline->profiles, i);
      const ProfileSnapshot *after = find_profile (current, before->name);

      if (after == NULL)
        add_change (changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, before->name,
                    before->name, NULL,
                g_strdup_printf (_("Quality profile '%s' removed"), before->name));
      else
        compare_profile (changes, before, after);
    }

  for (guint i = 0; i < current->profiles->len; i++)
    {
      const ProfileSnapshot *after = g_ptr_array_index (current->profiles, i);

      if (find_profile (baseline, after->name) == NULL)
        add_change (changes, VQS_DRIFT_CATEGORY_QUALITY_PROFILE, after->name,
                    NULL, after->name,
                g_strdup_printf (_("Quality profile '%s' added"), after->name));
    }
}

static char *
describe_set_change (VqsDriftCategory  category,
                     const char       *subject,
                     gboolean          added)
{
  if (category == VQS_DRIFT_CATEGORY_ROOT_FOLDER)
    /* Translators: %s is a folder path such as /tv2 */
    return added ? g_strdup_printf (_("Root folder %s added"), subject)
                 : g_strdup_printf (_("Root folder %s removed"), subject);

  /* Translators: %s is a tag label such as anime */
  return added ? g_strdup_printf (_("Tag '%s' added"), subject)
               : g_strdup_printf (_("Tag '%s' removed"), subject);
}

static void
compare_sets (GPtrArray          *changes,
              VqsDriftCategory    category,
              const char * const *before,
              const char * const *after)
{
  for (guint i = 0; before[i] != NULL; i++)
    {
      if (!g_strv_contains (after, before[i]))
        add_change (changes, category, before[i], before[i], NULL,
                    describe_set_change (category, before[i], FALSE));
    }

  for (guint i = 0; after[i] != NULL; i++)
    {
      if (!g_strv_contains (before, after[i]))
        add_change (changes, category, after[i], NULL, after[i],
                    describe_set_change (category, after[i], TRUE));
    }
}

/**
 * vqs_drift_snapshot_compare:
 * @baseline: the accepted configuration
 * @current: the live configuration
 *
 * Returns: (transfer full) (element-type VqsDriftChange): every difference,
 *   in a stable order (version, application, quality profiles, root
 *   folders, tags); empty when nothing drifted
 */
GPtrArray *
vqs_drift_snapshot_compare (VqsDriftSnapshot *baseline,
                            VqsDriftSnapshot *current)
{
  GPtrArray *changes;

  g_return_val_if_fail (baseline != NULL, NULL);
  g_return_val_if_fail (current != NULL, NULL);

  changes = g_ptr_array_new_with_free_func ((GDestroyNotify)vqs_drift_change_free);

  if (g_strcmp0 (baseline->version, current->version) != 0)
    add_change (changes, VQS_DRIFT_CATEGORY_VERSION, "version",
                baseline->version, current->version,
                g_strdup_printf (_("Version %s → %s"), baseline->version, current->version));

  if (g_strcmp0 (baseline->app_name, current->app_name) != 0)
    add_change (changes, VQS_DRIFT_CATEGORY_APPLICATION, "application",
                baseline->app_name, current->app_name,
                g_strdup_printf (_("Application %s → %s"),
                                 baseline->app_name, current->app_name));

  compare_profiles_of (changes, baseline, current);

  compare_sets (changes, VQS_DRIFT_CATEGORY_ROOT_FOLDER,
                (const char * const *)baseline->root_folders,
                (const char * const *)current->root_folders);
  compare_sets (changes, VQS_DRIFT_CATEGORY_TAG,
                (const char * const *)baseline->tags,
                (const char * const *)current->tags);

  return changes;
}
