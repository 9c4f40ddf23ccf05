/* vqs-arr-models.h
 *
 * Copyright 2026 The Vibe Quality Searcharr authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "vqs-types.h"

G_BEGIN_DECLS

/* Typed results of the *arr client. All of them are reference-counted
 * boxed types (vqs_x_ref/vqs_x_unref), immutable once returned, and carry
 * only the fields the app uses: the JSON they came from is freed as soon
 * as they are built.
 */

#define VQS_TYPE_SYSTEM_STATUS (vqs_system_status_get_type ())
#define VQS_TYPE_WANTED_PAGE   (vqs_wanted_page_get_type ())
#define VQS_TYPE_WANTED_LIST   (vqs_wanted_list_get_type ())
#define VQS_TYPE_COMMAND       (vqs_command_get_type ())
#define VQS_TYPE_QUALITY_PROFILE (vqs_quality_profile_get_type ())
#define VQS_TYPE_ROOT_FOLDER   (vqs_root_folder_get_type ())
#define VQS_TYPE_TAG           (vqs_tag_get_type ())
#define VQS_TYPE_QUEUE_PAGE    (vqs_queue_page_get_type ())
#define VQS_TYPE_LIBRARY_ITEM  (vqs_library_item_get_type ())

typedef struct
{
  /*< public >*/
  char      *app_name;        /* "Sonarr" or "Radarr" */
  char      *instance_name;
  char      *version;         /* "4.0.19.2979" */
  char      *url_base;        /* "" or "/sonarr" */
  char      *branch;
  char      *os_name;
  GDateTime *start_time;      /* nullable */
  gboolean   is_docker;
  /*< private >*/
  gatomicrefcount ref_count;
} VqsSystemStatus;

/* One compact record of a wanted list. Kept small on purpose: a library
 * can have 100 000 of them and they live in a plain GArray.
 */
typedef struct
{
  gint64  id;                /* episode id (Sonarr) or movie id (Radarr) */
  gint64  parent_id;         /* series id (Sonarr) or the movie id (Radarr) */
  gint64  air_date;          /* Unix seconds UTC: airDateUtc, or the movie's release; 0 = unknown */
  gint64  last_search_time;  /* Unix seconds UTC; 0 = never or not reported */
  char   *title;
  int     season_number;     /* -1 for movies */
  int     episode_number;    /* -1 for movies */
  guint   monitored : 1;
  guint   has_file : 1;
  guint   is_available : 1;  /* Radarr: released per minimum availability; Sonarr: aired */
} VqsWantedItem;

typedef struct
{
  /*< public >*/
  int     page;
  int     page_size;
  gint64  total_records;
  char   *sort_key;          /* effective values echoed by the server */
  char   *sort_direction;
  GArray *items;             /* VqsWantedItem, with a clear func */
  /*< private >*/
  gatomicrefcount ref_count;
} VqsWantedPage;

/* Every record of a wanted list, deduplicated by id. */
typedef struct
{
  /*< public >*/
  gint64  total_records;     /* as last reported by the server */
  guint   requests;          /* HTTP requests the walk took */
  GArray *items;             /* VqsWantedItem */
  /*< private >*/
  gatomicrefcount ref_count;
} VqsWantedList;

typedef struct
{
  /*< public >*/
  gint64     id;
  char      *name;           /* "EpisodeSearch" */
  char      *command_name;   /* "Episode Search" */
  char      *status;         /* queued|started|completed|failed|aborted|cancelled|orphaned */
  char      *result;         /* unknown|successful */
  char      *message;        /* nullable */
  GDateTime *queued;         /* nullable */
  GDateTime *started;        /* nullable */
  GDateTime *ended;          /* nullable */
  /*< private >*/
  gatomicrefcount ref_count;
} VqsCommand;

typedef struct
{
  /*< public >*/
  gint64    id;
  char     *name;
  gboolean  upgrade_allowed;
  gint64    cutoff_id;       /* a quality id or a group id (>= 1000) */
  char     *cutoff_name;     /* resolved from items; nullable if not found */
  GStrv     allowed;         /* names of allowed qualities/groups, worst to best */
  /*< private >*/
  gatomicrefcount ref_count;
} VqsQualityProfile;

typedef struct
{
  /*< public >*/
  gint64    id;
  char     *path;
  gboolean  accessible;
  gint64    free_space;      /* bytes, -1 if unknown */
  /*< private >*/
  gatomicrefcount ref_count;
} VqsRootFolder;

typedef struct
{
  /*< public >*/
  gint64  id;
  char   *label;
  /*< private >*/
  gatomicrefcount ref_count;
} VqsTag;

/* A series (Sonarr) or a movie (Radarr) from /series or /movie. */
typedef struct
{
  /*< public >*/
  gint64    id;
  char     *title;
  char     *sort_title;
  char     *status;
  char     *path;
  gint64    quality_profile_id;
  int       year;
  gboolean  monitored;
  gboolean  has_file;        /* Radarr only */
  gboolean  is_available;    /* Radarr only */
  gboolean  cutoff_not_met;  /* Radarr: movieFile.qualityCutoffNotMet */
  /*< private >*/
  gatomicrefcount ref_count;
} VqsLibraryItem;

typedef struct
{
  gint64  id;
  gint64  parent_id;         /* seriesId or movieId */
  gint64  episode_id;        /* 0 for Radarr */
  char   *title;
  char   *status;
  char   *download_id;
} VqsQueueItem;

typedef struct
{
  /*< public >*/
  int     page;
  int     page_size;
  gint64  total_records;
  GArray *items;             /* VqsQueueItem */
  /*< private >*/
  gatomicrefcount ref_count;
} VqsQueuePage;

/* Constructors return an empty record with a reference count of one;
 * the client's parsers and tests of other modules fill them in.
 */
VqsSystemStatus   *vqs_system_status_new        (void);
VqsWantedPage     *vqs_wanted_page_new          (void);
VqsWantedList     *vqs_wanted_list_new          (void);
VqsCommand        *vqs_command_new              (void);
VqsQualityProfile *vqs_quality_profile_new      (void);
VqsRootFolder     *vqs_root_folder_new          (void);
VqsTag            *vqs_tag_new                  (void);
VqsLibraryItem    *vqs_library_item_new         (void);
VqsQueuePage      *vqs_queue_page_new           (void);
GArray            *vqs_wanted_item_array_new    (guint              reserved);
void               vqs_wanted_item_clear        (VqsWantedItem     *item);
GArray            *vqs_queue_item_array_new     (guint              reserved);
void               vqs_queue_item_clear         (VqsQueueItem      *item);

GType              vqs_system_status_get_type   (void) G_GNUC_CONST;
VqsSystemStatus   *vqs_system_status_ref        (VqsSystemStatus   *self);
void               vqs_system_status_unref      (VqsSystemStatus   *self);

GType              vqs_wanted_page_get_type     (void) G_GNUC_CONST;
VqsWantedPage     *vqs_wanted_page_ref          (VqsWantedPage     *self);
void               vqs_wanted_page_unref        (VqsWantedPage     *self);

GType              vqs_wanted_list_get_type     (void) G_GNUC_CONST;
VqsWantedList     *vqs_wanted_list_ref          (VqsWantedList     *self);
void               vqs_wanted_list_unref        (VqsWantedList     *self);

GType              vqs_command_get_type         (void) G_GNUC_CONST;
VqsCommand        *vqs_command_ref              (VqsCommand        *self);
void               vqs_command_unref            (VqsCommand        *self);
gboolean           vqs_command_is_finished      (const VqsCommand  *self);

GType              vqs_quality_profile_get_type (void) G_GNUC_CONST;
VqsQualityProfile *vqs_quality_profile_ref      (VqsQualityProfile *self);
void               vqs_quality_profile_unref    (VqsQualityProfile *self);

GType              vqs_root_folder_get_type     (void) G_GNUC_CONST;
VqsRootFolder     *vqs_root_folder_ref          (VqsRootFolder     *self);
void               vqs_root_folder_unref        (VqsRootFolder     *self);

GType              vqs_tag_get_type             (void) G_GNUC_CONST;
VqsTag            *vqs_tag_ref                  (VqsTag            *self);
void               vqs_tag_unref                (VqsTag            *self);

GType              vqs_library_item_get_type    (void) G_GNUC_CONST;
VqsLibraryItem    *vqs_library_item_ref         (VqsLibraryItem    *self);
void               vqs_library_item_unref       (VqsLibraryItem    *self);

GType              vqs_queue_page_get_type      (void) G_GNUC_CONST;
VqsQueuePage      *vqs_queue_page_ref           (VqsQueuePage      *self);
void               vqs_queue_page_unref         (VqsQueuePage      *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsSystemStatus, vqs_system_status_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsWantedPage, vqs_wanted_page_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsWantedList, vqs_wanted_list_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsCommand, vqs_command_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsQualityProfile, vqs_quality_profile_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsRootFolder, vqs_root_folder_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsTag, vqs_tag_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsLibraryItem, vqs_library_item_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (VqsQueuePage, vqs_queue_page_unref)

G_END_DECLS
