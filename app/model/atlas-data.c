/* atlas-data.c — everything the application reads from maps/
 *
 * Broken or missing data never stops the application: each part that
 * cannot be loaded is replaced by an empty one, and a sentence saying what
 * is wrong is added to the problems for the window to show.
 */

#include "atlas-data.h"
#include "atlas-plan-index.h"

#include <glib/gi18n-lib.h>

#ifdef __GLIBC__
#include <malloc.h>
#endif

static GBytes *
read_bytes (GFile       *maps_dir,
            const char  *relative,
            GError     **error)
{
  if (maps_dir == NULL)
    {
      g_autofree char *path = g_build_path ("/", ATLAS_RESOURCE_MAPS, relative, NULL);
      GBytes *bytes = g_resources_lookup_data (path, 0, NULL);

      if (bytes == NULL)
        g_set_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_MISSING,
                     "%s is missing from the application's resources", relative);
      return bytes;
    }
  else
    {
      g_autoptr(GFile) file = g_file_resolve_relative_path (maps_dir, relative);
      g_autoptr(GError) local = NULL;
      GBytes *bytes = g_file_load_bytes (file, NULL, NULL, &local);

      if (bytes == NULL)
        g_set_error (error, ATLAS_DATA_ERROR, ATLAS_DATA_ERROR_MISSING, "%s: %s", relative,
                     local->message);
      return bytes;
    }
}

/**
 * atlas_data_load_aliases:
 * @maps_dir: (nullable): as for atlas_data_load()
 *
 * Reads plan/aliases.json, the collective names of the plan, for the
 * plan index: the same file for the command line and the window.
 *
 * Returns: (transfer full) (nullable): its bytes, or %NULL with @error set
 */
GBytes *
atlas_data_load_aliases (GFile   *maps_dir,
                         GError **error)
{
  return read_bytes (maps_dir, "plan/aliases.json", error);
}

/**
 * atlas_data_load:
 * @maps_dir: (nullable): a folder laid out like maps/, or %NULL for the
 *   data embedded in the application
 * @with_overlays: whether to load the overlays too (their unions cached in
 *   atlas_data_get_cache_dir()); if not, they are empty
 *
 * Returns: (transfer full): the data, with empty parts where loading failed
 */
/**
 * atlas_data_get_cache_dir:
 *
 * The folder of the union cache as the environment asks for it:
 * $ATLAS_CACHE_DIR, else ~/.cache/capital-atlas; none with $ATLAS_NO_CACHE.
 *
 * Returns: (transfer full) (nullable): the folder, or %NULL for no cache
 */
GFile *
atlas_data_get_cache_dir (void)
{
  const char *dir = g_getenv ("ATLAS_CACHE_DIR");
  g_autofree char *default_dir = NULL;

  if (g_getenv ("ATLAS_NO_CACHE") != NULL)
    return NULL;
  if (dir == NULL || *dir == '\0')
    dir = default_dir = g_build_filename (g_get_user_cache_dir (), "capital-atlas", NULL);
  return g_file_new_for_path (dir);
}

/**
 * atlas_data_load_overlays:
 * @cache_dir: (nullable): the folder of the union cache, or %NULL for none
 *
 * Loads the overlay layers, resolving their geometry: the slow part of
 * loading (GEOS unions), so the application runs it on a worker thread.
 * Only reads @data, which is immutable. A broken layer file is left out
 * and named in @problems; the others load.
 *
 * Returns: (transfer full) (nullable): the overlays, or %NULL with @error set
 */
AtlasOverlays *
atlas_data_load_overlays (AtlasData  *data,
                          GFile      *maps_dir,
                          GFile      *cache_dir,
                          GPtrArray  *problems,
                          GError    **error)
{
  AtlasOverlays *overlays;

  /* without the plan text, the layers load with their section references unchecked */
  if (atlas_basemap_is_empty (data->basemap) || data->gazetteer == NULL)
    {
      g_set_error (error, ATLAS_OVERLAYS_ERROR, ATLAS_OVERLAYS_ERROR_REFERENCE,
                   _("they need the base map and the gazetteer"));
      return NULL;
    }

  if (maps_dir == NULL)
    overlays = atlas_overlays_new_from_resource (ATLAS_RESOURCE_MAPS "/layers", data->basemap,
                                                 data->gazetteer, data->plan, cache_dir, problems, error);
  else
    {
      g_autoptr(GFile) dir = g_file_get_child (maps_dir, "layers");
      overlays = atlas_overlays_new_from_directory (dir, data->basemap, data->gazetteer, data->plan,
                                                    cache_dir, problems, error);
    }

#ifdef __GLIBC__
  /* The GEOS unions leave tens of megabytes of freed memory in the
   * loader threads' malloc arenas: give it back. */
  malloc_trim (0);
#endif
  return overlays;
}

/* A folder of data being prepared may have no figures yet: that is no
 * problem, the figures are then missing from the menus. */
gboolean
atlas_data_has_figures (GFile *maps_dir)
{
  g_autoptr(GFile) file = NULL;

  if (maps_dir == NULL)
    return TRUE;
  file = g_file_get_child (maps_dir, "figures.json");
  return g_file_query_exists (file, NULL);
}

/**
 * atlas_data_load_figures:
 * @overlays: (nullable): the loaded layers the figures are checked against
 *
 * Returns: (transfer full) (nullable): the plan's figures, or %NULL with
 *   @error set
 */
AtlasFigures *
atlas_data_load_figures (AtlasData      *data,
                         GFile          *maps_dir,
                         AtlasOverlays  *overlays,
                         GError        **error)
{
  g_autoptr(GBytes) bytes = read_bytes (maps_dir, "figures.json", error);

  if (bytes == NULL)
    return NULL;
  return atlas_figures_new_from_bytes (bytes, "figures.json", overlays, data->plan, error);
}

AtlasData *
atlas_data_load (GFile    *maps_dir,
                 gboolean  with_overlays)
{
  AtlasData *data = g_new0 (AtlasData, 1);
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_atomic_ref_count_init (&data->ref_count);
  data->problems = g_ptr_array_new_with_free_func (g_free);

  if (maps_dir == NULL)
    data->basemap = atlas_basemap_new_from_resource (ATLAS_RESOURCE_MAPS "/basemap", &error);
  else
    {
      g_autoptr(GFile) dir = g_file_get_child (maps_dir, "basemap");
      data->basemap = atlas_basemap_new_from_directory (dir, &error);
    }
  if (data->basemap == NULL)
    {
      g_ptr_array_add (data->problems, g_strdup_printf (_("Base map (the map and the plan’s layers are off): %s"),
                                                        error->message));
      g_clear_error (&error);
      data->basemap = atlas_basemap_new_empty ();
    }
  else
    {
      GPtrArray *missing = atlas_basemap_get_problems (data->basemap);

      /* relief, railways, built-up areas, stations: the rest still draws */
      for (guint i = 0; i < missing->len; i++)
        g_ptr_array_add (data->problems, g_strdup_printf (_("Base map: %s"),
                                                          (char *) missing->pdata[i]));
    }

  bytes = read_bytes (maps_dir, "gazetteer.tsv", &error);
  if (bytes != NULL)
    data->gazetteer = atlas_gazetteer_new_from_bytes (bytes, "gazetteer.tsv", &error);
  g_clear_pointer (&bytes, g_bytes_unref);
  if (data->gazetteer == NULL)
    {
      g_ptr_array_add (data->problems, g_strdup_printf (_("Gazetteer (places and the plan’s layers are off): %s"),
                                                        error->message));
      g_clear_error (&error);
    }

  bytes = read_bytes (maps_dir, "plan/plan.json", &error);
  if (bytes != NULL)
    data->plan = atlas_plan_new_from_bytes (bytes, "plan/plan.json", &error);
  g_clear_pointer (&bytes, g_bytes_unref);
  if (data->plan == NULL)
    {
      g_ptr_array_add (data->problems, g_strdup_printf (_("Plan text (the plan panel and its search are off): %s"),
                                                        error->message));
      g_clear_error (&error);
    }

  if (with_overlays)
    {
      g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func (g_free);
      g_autoptr(GFile) cache_dir = atlas_data_get_cache_dir ();

      data->overlays = atlas_data_load_overlays (data, maps_dir, cache_dir, skipped, &error);
      for (guint i = 0; i < skipped->len; i++)
        g_ptr_array_add (data->problems, g_strdup_printf (_("Plan layers: %s"),
                                                          (char *) skipped->pdata[i]));
      if (data->overlays == NULL)
        {
          g_ptr_array_add (data->problems, g_strdup_printf (_("Plan layers: %s"), error->message));
          g_clear_error (&error);
          data->overlays = atlas_overlays_new_empty ();
        }
      else if (atlas_data_has_figures (maps_dir))
        {
          /* a layer file left out is reported already: do not report the
           * figures that name its layers again */
          data->figures = atlas_data_load_figures (data, maps_dir,
                                                   skipped->len == 0 ? data->overlays : NULL, &error);
          if (data->figures == NULL)
            {
              g_ptr_array_add (data->problems, g_strdup_printf (_("Plan figures: %s"), error->message));
              g_clear_error (&error);
            }
        }
    }

  if (data->overlays == NULL)
    data->overlays = atlas_overlays_new_empty ();
  data->load_ms = (g_get_monotonic_time () - start) / 1000.0;
  return data;
}

/**
 * atlas_data_ref:
 *
 * Returns: (transfer full): @data, for a holder that keeps it
 */
AtlasData *
atlas_data_ref (AtlasData *data)
{
  g_atomic_ref_count_inc (&data->ref_count);
  return data;
}

void
atlas_data_unref (AtlasData *data)
{
  if (!g_atomic_ref_count_dec (&data->ref_count))
    return;
  g_clear_object (&data->basemap);
  g_clear_object (&data->gazetteer);
  g_clear_object (&data->plan);
  g_clear_object (&data->overlays);
  g_clear_object (&data->figures);
  g_ptr_array_unref (data->problems);
  g_free (data);
}

typedef struct
{
  AtlasData *data;
  GFile     *maps_dir;   /* nullable */
  GFile     *cache_dir;  /* nullable */
} LoadRequest;

typedef struct
{
  AtlasOverlays  *overlays;
  AtlasFigures   *figures;
  AtlasPlanIndex *index;
  GPtrArray      *problems;
} Loaded;

static void
load_request_free (LoadRequest *request)
{
  atlas_data_unref (request->data);
  g_clear_object (&request->maps_dir);
  g_clear_object (&request->cache_dir);
  g_free (request);
}

static void
loaded_free (Loaded *loaded)
{
  g_clear_object (&loaded->overlays);
  g_clear_object (&loaded->figures);
  g_clear_pointer (&loaded->index, atlas_plan_index_unref);
  g_ptr_array_unref (loaded->problems);
  g_free (loaded);
}

/* Reads only the request's data (immutable) and folders. */
static void
load_overlays_thread (GTask        *task,
                      gpointer      source_object,
                      gpointer      task_data,
                      GCancellable *cancellable)
{
  LoadRequest *request = task_data;
  GError *error = NULL;
  Loaded *loaded;
  g_autoptr(GBytes) aliases = NULL;
  AtlasData view;

  if (g_task_return_error_if_cancelled (task))
    return;

  loaded = g_new0 (Loaded, 1);
  loaded->problems = g_ptr_array_new_with_free_func (g_free);
  loaded->overlays = atlas_data_load_overlays (request->data, request->maps_dir, request->cache_dir,
                                               loaded->problems, &error);
  for (guint i = 0; i < loaded->problems->len; i++)
    {
      char *raw = loaded->problems->pdata[i];

      loaded->problems->pdata[i] = g_strdup_printf (_("Plan layers: %s"), raw);
      g_free (raw);
    }
  if (loaded->overlays == NULL)
    {
      loaded_free (loaded);
      g_task_return_error (task, error);
      return;
    }

  if (atlas_data_has_figures (request->maps_dir))
    {
      loaded->figures = atlas_data_load_figures (request->data, request->maps_dir,
                                                 loaded->problems->len == 0 ? loaded->overlays : NULL,
                                                 &error);
      if (loaded->figures == NULL)
        {
          g_ptr_array_add (loaded->problems, g_strdup_printf (_("Plan figures: %s"), error->message));
          g_clear_error (&error);
        }
    }
  if (request->data->plan != NULL)
    {
      aliases = atlas_data_load_aliases (request->maps_dir, &error);
      /* the index reads the data with these overlays */
      view = *request->data;
      view.overlays = loaded->overlays;
      if (aliases != NULL)
        loaded->index = atlas_plan_index_new (&view, aliases, &error);
      if (loaded->index == NULL)
        {
          /* without the collective names, search and the plan panel still work */
          g_ptr_array_add (loaded->problems,
                           g_strdup_printf (_("Plan’s collective names (search does not know them): %s"),
                                            error->message));
          g_clear_error (&error);
          loaded->index = atlas_plan_index_new (&view, NULL, &error);
        }
      if (loaded->index == NULL)
        {
          g_ptr_array_add (loaded->problems, g_strdup_printf (_("Plan index: %s"), error->message));
          g_clear_error (&error);
        }
    }

  if (g_task_return_error_if_cancelled (task))
    {
      loaded_free (loaded);
      return;
    }
  g_task_return_pointer (task, loaded, (GDestroyNotify) loaded_free);
}

/**
 * atlas_data_load_overlays_async:
 * @maps_dir: (nullable): the data folder, or %NULL for the resources
 * @cache_dir: (nullable): the folder of the union cache, or %NULL for none
 *
 * Loads the overlay layers with the plan's figures and the plan index (which
 * reads the data with these overlays) on a worker thread. @data is only
 * read, and kept alive until the load ends; it is not changed: the caller
 * takes the results from atlas_data_load_overlays_finish().
 */
void
atlas_data_load_overlays_async (AtlasData           *data,
                                GFile               *maps_dir,
                                GFile               *cache_dir,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  LoadRequest *request = g_new0 (LoadRequest, 1);

  g_return_if_fail (data != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  request->data = atlas_data_ref (data);
  request->maps_dir = maps_dir != NULL ? g_object_ref (maps_dir) : NULL;
  request->cache_dir = cache_dir != NULL ? g_object_ref (cache_dir) : NULL;
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, atlas_data_load_overlays_async);
  g_task_set_task_data (task, request, (GDestroyNotify) load_request_free);
  g_task_run_in_thread (task, load_overlays_thread);
}

/**
 * atlas_data_load_overlays_finish:
 * @figures: (out) (transfer full) (nullable): the plan's figures, or %NULL
 *   if they are missing or broken (then named in @problems)
 * @index: (out) (transfer full) (nullable): the plan index, or %NULL without
 *   a plan or if it cannot be built (then named in @problems)
 * @problems: (out) (transfer full): char *: what could not be loaded, for
 *   the user; layer files left out are named here while the others load
 *
 * Returns: (transfer full) (nullable): the overlays, or %NULL with @error
 *   set (%G_IO_ERROR_CANCELLED if the load was cancelled)
 */
AtlasOverlays *
atlas_data_load_overlays_finish (AtlasData       *data,
                                 GAsyncResult    *result,
                                 AtlasFigures   **figures,
                                 AtlasPlanIndex **index,
                                 GPtrArray      **problems,
                                 GError         **error)
{
  Loaded *loaded;
  AtlasOverlays *overlays;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == atlas_data_load_overlays_async, NULL);
  g_return_val_if_fail (((LoadRequest *) g_task_get_task_data (G_TASK (result)))->data == data, NULL);

  *figures = NULL;
  *index = NULL;
  *problems = NULL;
  loaded = g_task_propagate_pointer (G_TASK (result), error);
  if (loaded == NULL)
    return NULL;
  overlays = g_steal_pointer (&loaded->overlays);
  *figures = g_steal_pointer (&loaded->figures);
  *index = g_steal_pointer (&loaded->index);
  *problems = g_ptr_array_ref (loaded->problems);
  loaded_free (loaded);
  return overlays;
}
