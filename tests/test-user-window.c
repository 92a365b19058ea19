/* test-user-window.c — "My data" in the window: open, draw, click, export, remember */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include <sqlite3.h>

#include "widgets/atlas-application.h"
#include "widgets/atlas-settings.h"
#include "widgets/atlas-basemap-prefs.h"
#include "widgets/atlas-export-dialog.h"
#include "widgets/atlas-user-panel.h"
#include "widgets/atlas-window.h"
#include "render/atlas-user-renderer.h"
#include "atlas-resources.h"

static const char sites_kml[] =
  "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
  "<kml xmlns=\"http://www.opengis.net/kml/2.2\"><Document><name>选址</name>\n"
  "<Placemark><name>香河县城</name><Point><coordinates>117.006,39.763</coordinates></Point></Placemark>\n"
  "<Placemark><name>雄安片区</name><Polygon><outerBoundaryIs><LinearRing><coordinates>"
  "115.90,38.95 116.10,38.95 116.10,39.10 115.90,39.10 115.90,38.95"
  "</coordinates></LinearRing></outerBoundaryIs></Polygon></Placemark>\n"
  "</Document></kml>\n";

static gboolean
timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static void
wait_until (GSourceFunc condition,
            gpointer    data,
            guint       seconds)
{
  gboolean timed_out = FALSE;
  guint id = g_timeout_add_seconds (seconds, timeout_cb, &timed_out);

  while (!timed_out && !condition (data))
    g_main_context_iteration (NULL, TRUE);
  g_assert_false (timed_out);
  g_source_remove (id);
}

static gboolean
panel_ready (gpointer window)
{
  return atlas_window_get_user_panel (window) != NULL;
}

static gboolean
not_loading (gpointer panel)
{
  return !atlas_user_panel_is_loading (panel);
}

static AtlasWindow *
open_window (AtlasApplication *app,
             const char       *id)
{
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  g_application_set_application_id (G_APPLICATION (app), id);
  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (ATLAS_IS_WINDOW (window));
  wait_until (panel_ready, window, 60);
  return ATLAS_WINDOW (window);
}

static void
close_window (AtlasWindow *window)
{
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

static void
message_cb (AtlasUserPanel *panel,
            const char     *message,
            GPtrArray      *messages)
{
  g_ptr_array_add (messages, g_strdup (message));
}

static gboolean
strv_has (char      **strv,
          const char *s)
{
  return strv != NULL && g_strv_contains ((const char * const *) strv, s);
}

static void
test_open_click_export_remember (void)
{
  AtlasStartView start = { 116.0, 39.02, 10 };
  g_autofree char *dir = g_dir_make_tmp ("atlas-user-window-XXXXXX", NULL);
  g_autofree char *kml = g_build_filename (dir, "sites.kml", NULL);
  g_autofree char *other = g_build_filename (dir, "other.kml", NULL);
  g_autofree char *moved = g_build_filename (dir, "moved.kml", NULL);
  g_autofree char *empty = g_build_filename (dir, "empty.geojson", NULL);
  g_autofree char *marks = g_build_filename (dir, "marks.geojson", NULL);
  g_autofree char *gcj = g_build_filename (dir, "amap.csv", NULL);
  g_autoptr(GPtrArray) messages = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GSettings) settings = atlas_settings_new ();
  g_auto(GStrv) saved = NULL;
  AtlasWindow *window;
  AtlasUserPanel *panel;
  GtkWidget *dialog;
  AtlasExportJob *job;
  const char *details;

  g_assert_nonnull (settings);
  g_assert_true (g_file_set_contents (kml, sites_kml, -1, NULL));
  g_assert_true (g_file_set_contents (other, sites_kml, -1, NULL));
  g_assert_true (g_file_set_contents (empty, "", 0, NULL));

  {
    g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
    const char *open[] = { kml, NULL };

    /* --open hands the file to the first window */
    atlas_application_set_open_files (app, open);
    window = open_window (app, ATLAS_APPLICATION_ID ".User1");
    panel = ATLAS_USER_PANEL (atlas_window_get_user_panel (window));
    g_signal_connect (panel, "message", G_CALLBACK (message_cb), messages);
    wait_until (not_loading, panel, 30);
    g_assert_cmpuint (atlas_user_panel_get_n_layers (panel), ==, 1);

    /* the window opens a second file, and a broken one gives one message naming it */
    atlas_window_open_file (window, other);
    atlas_window_open_file (window, empty);
    g_assert_true (atlas_user_panel_is_loading (panel));
    wait_until (not_loading, panel, 30);
    g_assert_cmpuint (atlas_user_panel_get_n_layers (panel), ==, 2);
    g_assert_cmpuint (messages->len, ==, 1);
    g_assert_nonnull (strstr (messages->pdata[0], "empty.geojson"));
    saved = g_settings_get_strv (settings, "user-files");
    g_assert_true (strv_has (saved, kml) && strv_has (saved, other));
    g_assert_false (strv_has (saved, empty));

    /* a click on the polygon: its attributes and where it falls */
    g_assert_true (atlas_user_panel_select_at (panel, 39.02, 116.0));
    details = atlas_user_panel_get_details (panel);
    g_assert_nonnull (details);
    g_test_message ("%s", details);
    g_assert_nonnull (strstr (details, "雄安片区"));
    g_assert_nonnull (strstr (details, "河北雄安新区 (99"));
    g_assert_nonnull (strstr (details, "容城县"));
    g_assert_false (atlas_user_panel_select_at (panel, 41.5, 114.0));
    g_assert_null (atlas_user_panel_get_details (panel));

    /* measuring: clicks add points; distance and area, geodesic */
    atlas_user_panel_set_measuring (panel, TRUE);
    g_assert_true (atlas_user_panel_select_at (panel, 39.0, 116.0));
    g_assert_true (atlas_user_panel_select_at (panel, 39.0, 116.1));
    g_assert_nonnull (strstr (atlas_user_panel_get_tool_text (panel), "8.6"));
    g_assert_true (atlas_user_panel_select_at (panel, 39.1, 116.1));
    g_test_message ("%s", atlas_user_panel_get_tool_text (panel));
    g_assert_nonnull (strstr (atlas_user_panel_get_tool_text (panel), "19.8 km"));
    g_assert_nonnull (strstr (atlas_user_panel_get_tool_text (panel), "km²"));
    atlas_user_panel_set_measuring (panel, FALSE);

    /* marking: each click is saved to the chosen GeoJSON and shown as a layer */
    atlas_user_panel_start_marks (panel, marks);
    g_assert_true (atlas_user_panel_select_at (panel, 39.9087, 116.3975));
    wait_until (not_loading, panel, 30);
    g_assert_true (atlas_user_panel_select_at (panel, 39.1, 117.2));
    wait_until (not_loading, panel, 30);
    g_assert_cmpuint (atlas_user_panel_get_n_layers (panel), ==, 3);
    {
      g_autofree char *text = NULL;

      g_assert_true (g_file_get_contents (marks, &text, NULL, NULL));
      g_assert_nonnull (strstr (text, "\"FeatureCollection\""));
      g_assert_nonnull (strstr (text, "116.3975"));
      g_assert_nonnull (strstr (text, "117.2"));
    }
    atlas_user_panel_start_marks (panel, marks);   /* continues the same file */
    g_assert_true (atlas_user_panel_select_at (panel, 38.0, 114.5));
    wait_until (not_loading, panel, 30);
    g_assert_cmpuint (atlas_user_panel_get_n_layers (panel), ==, 3);
    {
      g_autoptr(AtlasUserData) ud = atlas_user_data_load (marks, NULL, NULL, NULL, NULL, NULL);

      g_assert_nonnull (ud);
      g_assert_cmpuint (ud->n_features, ==, 3);
    }
    atlas_user_panel_stop_marking (panel);
    g_assert_false (atlas_user_panel_select_at (panel, 41.9, 113.9));   /* a click selects again */

    /* "Where": a clicked point in 香河县 gets its report */
    atlas_user_panel_set_locating (panel, TRUE);
    g_assert_true (atlas_user_panel_select_at (panel, 39.763, 117.006));
    details = atlas_user_panel_get_details (panel);
    g_assert_nonnull (strstr (details, "香河县"));
    g_assert_nonnull (strstr (details, "通州区与北三县"));
    g_assert_nonnull (strstr (details, "4.1.2"));
    atlas_user_panel_set_locating (panel, FALSE);

    /* a file in GCJ-02 coordinates, read as such: the point lands on its WGS84 place */
    {
      double glon, glat;
      g_autofree char *text = NULL;
      g_autofree char *entry = g_strconcat ("gcj02:", gcj, NULL);

      atlas_wgs84_to_gcj02 (117.5, 40.5, &glon, &glat);
      text = g_strdup_printf ("name,lon,lat\n高德点,%.8f,%.8f\n", glon, glat);
      g_assert_true (g_file_set_contents (gcj, text, -1, NULL));
      atlas_user_panel_set_crs (panel, ATLAS_CRS_GCJ02);
      atlas_window_open_file (window, gcj);
      wait_until (not_loading, panel, 30);
      atlas_user_panel_set_crs (panel, ATLAS_CRS_AUTO);
      shumate_viewport_set_zoom_level (atlas_window_get_viewport (window), 14);
      g_assert_true (atlas_user_panel_select_at (panel, 40.5, 117.5));
      g_assert_nonnull (strstr (atlas_user_panel_get_details (panel), "高德点"));
      g_assert_false (atlas_user_panel_select_at (panel, glat, glon));
      g_strfreev (saved);
      saved = g_settings_get_strv (settings, "user-files");
      g_assert_true (strv_has (saved, entry));
      shumate_viewport_set_zoom_level (atlas_window_get_viewport (window), 10);
    }

    /* exports from the window draw them and list them */
    dialog = atlas_window_open_export_dialog (window);
    job = atlas_export_dialog_build_job (ATLAS_EXPORT_DIALOG (dialog));
    g_assert_nonnull (job->user_layers);
    g_assert_cmpuint (atlas_user_renderer_n_visible (job->user_layers), ==, 4);
    atlas_export_job_free (job);
    gtk_window_destroy (GTK_WINDOW (dialog));
    close_window (window);
  }

  /* the next run opens the remembered files again; a moved one is reported and dropped */
  g_assert_cmpint (g_rename (other, moved), ==, 0);
  {
    g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);

    window = open_window (app, ATLAS_APPLICATION_ID ".User2");
    panel = ATLAS_USER_PANEL (atlas_window_get_user_panel (window));
    wait_until (not_loading, panel, 30);
    g_assert_cmpuint (atlas_user_panel_get_n_layers (panel), ==, 3);   /* sites, the marks, the GCJ-02 file */
    g_strfreev (saved);
    saved = g_settings_get_strv (settings, "user-files");
    g_assert_true (strv_has (saved, kml));
    g_assert_false (strv_has (saved, other));
    close_window (window);
  }

  g_unlink (kml);
  g_unlink (moved);
  g_unlink (empty);
  g_unlink (marks);
  g_unlink (gcj);
  g_rmdir (dir);
}

static void
apply_cb (gpointer    user_data,
          const char *spec,
          const char *attribution)
{
  atlas_window_set_basemap (user_data, spec, attribution);
}

/* Preferences: an MBTiles base map is checked, saved and shown; a broken one is refused. */
static void
test_basemap_preferences (void)
{
  AtlasStartView start = { 116.4, 39.9, 8 };
  g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
  g_autoptr(GSettings) settings = atlas_settings_new ();
  g_autofree char *dir = g_dir_make_tmp ("atlas-prefs-XXXXXX", NULL);
  g_autofree char *mbtiles = g_build_filename (dir, "own.mbtiles", NULL);
  g_autofree char *broken = g_build_filename (dir, "broken.mbtiles", NULL);
  g_autofree char *spec = g_strconcat ("mbtiles:", mbtiles, NULL);
  g_autofree char *saved = NULL;
  AtlasWindow *window = open_window (app, ATLAS_APPLICATION_ID ".Prefs");
  AtlasBasemapPrefs *prefs;
  sqlite3 *db;

  g_assert_cmpint (sqlite3_open (mbtiles, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TABLE metadata (name TEXT, value TEXT);"
                                     "CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, "
                                     "tile_row INTEGER, tile_data BLOB);", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
  g_assert_true (g_file_set_contents (broken, "not sqlite", -1, NULL));

  g_assert_null (atlas_window_get_basemap (window));
  prefs = atlas_basemap_prefs_new (GTK_WINDOW (window), settings, apply_cb, window);
  g_assert_false (atlas_basemap_prefs_apply (prefs, 1, broken, NULL));
  g_assert_null (atlas_window_get_basemap (window));
  saved = g_settings_get_string (settings, "basemap");
  g_assert_cmpstr (saved, ==, "");
  g_clear_pointer (&saved, g_free);

  g_assert_true (atlas_basemap_prefs_apply (prefs, 1, mbtiles, "Our tiles"));
  g_assert_nonnull (atlas_window_get_basemap (window));
  saved = g_settings_get_string (settings, "basemap");
  g_assert_cmpstr (saved, ==, spec);
  g_clear_pointer (&saved, g_free);

  g_assert_true (atlas_basemap_prefs_apply (prefs, 0, "", NULL));   /* back to the embedded map */
  g_assert_null (atlas_window_get_basemap (window));
  saved = g_settings_get_string (settings, "basemap");
  g_assert_cmpstr (saved, ==, "");

  gtk_window_destroy (GTK_WINDOW (prefs));
  close_window (window);
  g_unlink (mbtiles);
  g_unlink (broken);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  atlas_register_resource ();
  g_test_add_func ("/atlas/user-window/open-click-export-remember", test_open_click_export_remember);
  g_test_add_func ("/atlas/user-window/basemap-preferences", test_basemap_preferences);
  return g_test_run ();
}
