/* test-window.c — the main window under a display (Xvfb in CI) */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "widgets/atlas-application.h"
#include "widgets/atlas-layer-panel.h"
#include "widgets/atlas-plan-panel.h"
#include "widgets/atlas-export-dialog.h"
#include "widgets/atlas-window.h"
#include "atlas-resources.h"

static gboolean
timeout_cb (gpointer data)
{
  gboolean *timed_out = data;

  *timed_out = TRUE;
  return G_SOURCE_REMOVE;
}

/* Iterates the main loop until @condition holds, for @seconds at most. */
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
source_painted (AtlasWindow     *window,
                AtlasTileSource *source)
{
  return gtk_widget_get_mapped (GTK_WIDGET (window)) && source != NULL
         && atlas_tile_source_get_filled (source) > 0 && atlas_tile_source_get_pending (source) == 0;
}

static gboolean
base_painted (gpointer window)
{
  return source_painted (window, atlas_window_get_tile_source (window));
}

static gboolean
overlays_painted (gpointer window)
{
  return source_painted (window, atlas_window_get_overlay_source (window));
}

static gboolean
overlays_loaded (gpointer window)
{
  return atlas_window_get_layer_state (window) != NULL;
}

/* Until the map's tiles are all painted. */
static void
wait_for_tiles (AtlasWindow *window)
{
  wait_until (base_painted, window, 30);
}

/* Until the plan's layers are loaded. */
static void
wait_for_overlays (AtlasWindow *window)
{
  wait_until (overlays_loaded, window, 60);
}

static AtlasWindow *
open_window (AtlasApplication *app)
{
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  g_application_register (G_APPLICATION (app), NULL, &error);
  g_assert_no_error (error);
  g_application_activate (G_APPLICATION (app));
  window = gtk_application_get_active_window (GTK_APPLICATION (app));
  g_assert_true (ATLAS_IS_WINDOW (window));
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
test_window_shows_map (void)
{
  AtlasStartView start = { 116.40, 39.90, 9 };
  g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
  AtlasWindow *window = open_window (app);
  ShumateViewport *viewport = atlas_window_get_viewport (window);
  AtlasTileSource *source;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  wait_for_tiles (window);
  wait_for_overlays (window);
  source = atlas_window_get_tile_source (window);
  g_test_message ("tiles painted: %u", atlas_tile_source_get_filled (source));
  g_assert_cmpuint (atlas_tile_source_get_filled (source), >=, 4);
  g_assert_null (atlas_window_get_message (window));

  g_assert_cmpfloat_with_epsilon (shumate_viewport_get_zoom_level (viewport), 9, 1e-9);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)), 39.90, 1e-6);

  /* A preset view moves the map there. */
  atlas_window_go_to_view (window, "shijiazhuang", FALSE);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)), 114.51, 1e-6);
  g_assert_cmpfloat_with_epsilon (shumate_viewport_get_zoom_level (viewport), 10, 1e-9);

  /* Panning is bounded to the region. */
  shumate_location_set_location (SHUMATE_LOCATION (viewport), 10.0, 150.0);
  g_assert_cmpfloat (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)), >=, 35.0);
  g_assert_cmpfloat (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)), <=, 122.0);

  /* Zoom range. */
  shumate_viewport_set_zoom_level (viewport, 2);
  g_assert_cmpfloat (shumate_viewport_get_zoom_level (viewport), >=, 5);
  shumate_viewport_set_zoom_level (viewport, 19);
  g_assert_cmpfloat (shumate_viewport_get_zoom_level (viewport), <=, 14);

  close_window (window);
  g_assert_null (window);
}

/* The layer panel's switches drive the layer state, the overlay tiles and
 * the saved settings; a click selects the smallest zone under it. */
static void
test_layers_and_selection (void)
{
  AtlasStartView start = { 116.70, 39.52, 9 };
  g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
  AtlasWindow *window;
  AtlasLayerState *state;
  AtlasOverlays *overlays;
  AtlasOverlayLayer *commuting, *functional;
  AtlasTileSource *before;
  GtkWidget *panel, *sw;
  AtlasOverlayFeature *f;
  g_autoptr(GSettings) settings = NULL;
  g_autoptr(GVariant) saved = NULL;
  gboolean visible;
  double opacity;

  g_application_set_application_id (G_APPLICATION (app), ATLAS_APPLICATION_ID ".Layers");
  window = open_window (app);
  wait_for_tiles (window);
  wait_for_overlays (window);

  state = atlas_window_get_layer_state (window);
  overlays = atlas_layer_state_get_overlays (state);
  commuting = atlas_overlays_lookup_layer (overlays, "circles.commuting");
  functional = atlas_overlays_lookup_layer (overlays, "circles.functional");
  g_assert_nonnull (commuting);
  g_assert_nonnull (functional);

  atlas_layer_state_set_all_visible (state, FALSE);
  panel = atlas_window_get_layer_panel (window);
  g_assert_true (ATLAS_IS_LAYER_PANEL (panel));
  sw = atlas_layer_panel_get_switch (ATLAS_LAYER_PANEL (panel), "circles.commuting");
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (sw)));

  /* nothing shown: a click selects nothing */
  g_assert_null (atlas_window_select_at (window, 39.52, 116.70));

  before = atlas_window_get_overlay_source (window);
  gtk_switch_set_active (GTK_SWITCH (sw), TRUE);
  g_assert_true (atlas_layer_state_get_visible (state, commuting));
  g_assert_false (atlas_layer_state_get_visible (state, functional));
  g_assert_true (atlas_window_get_overlay_source (window) != before);
  wait_until (overlays_painted, window, 30);
  g_assert_cmpuint (atlas_tile_source_get_filled (atlas_window_get_overlay_source (window)), >, 0);

  /* saved for the next start */
  settings = atlas_application_new_settings ();
  saved = g_settings_get_value (settings, "layers");
  g_assert_true (g_variant_lookup (saved, "circles.commuting", "(bd)", &visible, &opacity));
  g_assert_true (visible);

  /* 廊坊 is in the commuting circle; with the functional circle shown too,
   * a click still selects the smaller zone */
  atlas_layer_state_set_visible (state, functional, TRUE);
  f = atlas_window_select_at (window, 39.52, 116.70);
  g_assert_nonnull (f);
  g_assert_cmpstr (f->id, ==, "commuting_circle");
  g_assert_true (atlas_selection_get_feature (atlas_window_get_selection (window)) == f);
  g_test_message ("card: %s", atlas_window_get_card_text (window));
  g_assert_nonnull (strstr (atlas_window_get_card_text (window), "27,000"));

  /* 石家庄 is in neither */
  g_assert_null (atlas_window_select_at (window, 38.04, 114.51));

  /* a feature's own switch: off hides it within its shown layer */
  {
    AtlasOverlayFeature *commuting_circle = atlas_overlays_lookup_feature (overlays, "commuting_circle");
    GtkWidget *fsw = atlas_layer_panel_get_feature_switch (ATLAS_LAYER_PANEL (panel), commuting_circle);
    GtkWidget *gsw = atlas_layer_panel_get_group_switch (ATLAS_LAYER_PANEL (panel), "circles");

    g_assert_nonnull (fsw);
    g_assert_true (gtk_switch_get_active (GTK_SWITCH (fsw)));
    gtk_switch_set_active (GTK_SWITCH (fsw), FALSE);
    g_assert_false (atlas_layer_state_get_feature_visible (state, commuting_circle));
    g_assert_true (atlas_layer_state_get_visible (state, commuting));
    /* the click now finds the functional circle */
    f = atlas_window_select_at (window, 39.52, 116.70);
    g_assert_nonnull (f);
    g_assert_cmpstr (f->id, ==, "functional_circle");
    gtk_switch_set_active (GTK_SWITCH (fsw), TRUE);
    g_assert_true (atlas_layer_state_get_feature_visible (state, commuting_circle));

    /* the group's switch hides and shows all of it */
    g_assert_nonnull (gsw);
    gtk_switch_set_active (GTK_SWITCH (gsw), FALSE);
    g_assert_false (atlas_layer_state_get_visible (state, commuting));
    g_assert_false (atlas_layer_state_get_visible (state, functional));
    gtk_switch_set_active (GTK_SWITCH (gsw), TRUE);
    g_assert_true (atlas_layer_state_get_visible (state, commuting));
    g_assert_true (atlas_layer_state_get_visible (state, functional));
  }

  /* hiding the layer of the selection clears it */
  atlas_window_select_at (window, 39.52, 116.70);
  gtk_switch_set_active (GTK_SWITCH (atlas_layer_panel_get_switch (ATLAS_LAYER_PANEL (panel),
                                                                   "circles.commuting")), FALSE);
  f = atlas_selection_get_feature (atlas_window_get_selection (window));
  g_assert_true (f == NULL || f->layer != commuting);

  close_window (window);
}

/* Clicking a county shows what the plan says about it; opening section 4.4
 * and showing it on the map selects the cross-border areas. */
static void
test_plan_panel (void)
{
  AtlasStartView start = { 116.90, 39.90, 9 };
  g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
  AtlasWindow *window;
  ShumateViewport *viewport;
  AtlasPlanPanel *panel;
  AtlasSelection *selection;
  AtlasEntity *entity;
  GPtrArray *features;
  g_autofree char *text = NULL;
  g_autofree char *section_text = NULL;
  guint crossborder = 0;

  g_application_set_application_id (G_APPLICATION (app), ATLAS_APPLICATION_ID ".Plan");
  window = open_window (app);
  wait_for_overlays (window);
  /* it opens where it was asked to, near 香河 */
  viewport = atlas_window_get_viewport (window);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)), 39.90, 1e-6);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)), 116.90, 1e-6);
  panel = ATLAS_PLAN_PANEL (atlas_window_get_plan_panel (window));
  g_assert_nonnull (panel);
  g_assert_cmpstr (atlas_plan_panel_get_page (panel), ==, "contents");
  text = atlas_plan_panel_get_text (panel);
  g_assert_nonnull (strstr (text, "第四章"));
  g_clear_pointer (&text, g_free);

  /* with no layer shown, a click at 香河 selects the county */
  atlas_layer_state_set_all_visible (atlas_window_get_layer_state (window), FALSE);
  atlas_window_select_at (window, 39.76, 117.00);
  selection = atlas_window_get_selection (window);
  entity = atlas_selection_get_entity (selection);
  g_assert_nonnull (entity);
  g_assert_cmpstr (entity->name_zh, ==, "香河县");
  g_assert_cmpstr (atlas_plan_panel_get_page (panel), ==, "entity");
  text = atlas_plan_panel_get_text (panel);
  g_test_message ("%.600s", text);
  g_assert_nonnull (strstr (text, "香河县"));
  g_assert_nonnull (strstr (text, "通勤圈"));            /* a membership chip */
  g_assert_nonnull (strstr (text, "通州区与北三县"));
  g_assert_nonnull (strstr (text, "§ 4.1.2"));           /* a passage with its section */

  /* the contents → section 4.4 → show on the map */
  atlas_plan_panel_open_section (panel, "4.4");
  g_assert_cmpstr (atlas_plan_panel_get_page (panel), ==, "section");
  section_text = atlas_plan_panel_get_text (panel);
  g_assert_nonnull (strstr (section_text, "引导跨界地区一体化高质量发展"));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "plan.show-section", "s", "4.4"));
  g_assert_cmpstr (atlas_selection_get_section (selection), ==, "4.4");
  features = atlas_selection_get_section_features (selection);
  g_assert_nonnull (features);
  for (guint i = 0; i < features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (features, i);

      crossborder += g_str_has_prefix (f->id, "xb_");
      /* their layers are shown */
      g_assert_true (atlas_layer_state_get_visible (atlas_window_get_layer_state (window), f->layer));
    }
  g_test_message ("section 4.4: %u features, %u cross-border areas", features->len, crossborder);
  g_assert_cmpuint (crossborder, >=, 7);
  for (const char **id = (const char *[]) { "xb_tongzhou_beisan", "xb_daxing_airport_zone", "xb_tongwulang", "xb_fangzhuolai",
                                           "xb_pingjisanxing", "xb_yanhuaichi", "xb_huaifeng", NULL };
       *id != NULL; id++)
    {
      gboolean found = FALSE;

      for (guint i = 0; i < features->len; i++)
        found |= g_str_equal (((AtlasOverlayFeature *) features->pdata[i])->id, *id);
      g_assert_true (found);
    }

  /* back returns to the county */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (panel), "plan.back", NULL));
  g_assert_cmpstr (atlas_plan_panel_get_page (panel), ==, "entity");

  /* search: the place first, passages after; choosing selects it */
  {
    AtlasEntity *chosen;

    g_assert_cmpuint (atlas_window_search (window, "白洋淀"), >=, 4);
    atlas_window_choose_search_result (window, 0);
    chosen = atlas_selection_get_entity (selection);
    g_assert_nonnull (chosen);
    g_assert_cmpstr (chosen->name_zh, ==, "白洋淀");
    g_assert_cmpstr (atlas_plan_panel_get_page (panel), ==, "entity");
    g_assert_cmpuint (atlas_window_search (window, "没有这样的地方zzz"), ==, 0);
    /* choosing a passage opens its section */
    g_assert_cmpuint (atlas_window_search (window, "梯次布局北京平原新城"), >=, 1);
    atlas_window_choose_search_result (window, 0);
    g_assert_cmpstr (atlas_plan_panel_get_page (panel), ==, "section");
  }


  close_window (window);
}

static gboolean
preview_ready (gpointer dialog)
{
  return atlas_export_dialog_preview_ready (dialog);
}

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Exported;

static void
exported_cb (GObject      *dialog,
             GAsyncResult *result,
             gpointer      data)
{
  Exported *e = data;

  e->ok = atlas_export_dialog_export_finish (ATLAS_EXPORT_DIALOG (dialog), result, &e->error);
  e->done = TRUE;
}

static gboolean
export_done (gpointer data)
{
  return ((Exported *) data)->done;
}

/* The message dialog on top of @parent, if any */
static AdwMessageDialog *
message_dialog_of (GtkWidget *parent)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_window_get_transient_for (w) == GTK_WINDOW (parent))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

/* Ctrl+E opens the dialog; its preview renders, and Export writes a PDF
 * of the page with the selection's text. */
static void
test_export_dialog (void)
{
  AtlasStartView start = { 116.40, 39.90, 9 };
  g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
  g_autofree char *dir = g_dir_make_tmp ("atlas-export-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "page.pdf", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing", "page.pdf", NULL);
  Exported written = { 0 }, failed = { 0 };
  AdwMessageDialog *failure;
  g_autofree char *contents = NULL;
  gsize length = 0;
  AtlasWindow *window;
  GtkWidget *dialog;
  AtlasExportJob *job;

  g_application_set_application_id (G_APPLICATION (app), ATLAS_APPLICATION_ID ".Export");
  window = open_window (app);
  wait_for_overlays (window);
  /* earlier tests saved their own layer state in the memory settings */
  g_assert_true (atlas_layer_state_set_visible_ids (atlas_window_get_layer_state (window), "circles", NULL));
  atlas_window_select_at (window, 39.90, 116.40);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.export", NULL));
  dialog = atlas_window_open_export_dialog (window);
  g_assert_true (ATLAS_IS_EXPORT_DIALOG (dialog));
  wait_until (preview_ready, dialog, 60);

  /* the job follows the map: its visible layers, the selection */
  job = atlas_export_dialog_build_job (ATLAS_EXPORT_DIALOG (dialog));
  g_assert_true (job->visible[atlas_overlays_lookup_layer (job->data->overlays, "circles.commuting")->index]);
  atlas_export_job_free (job);

  atlas_export_dialog_export_async (ATLAS_EXPORT_DIALOG (dialog), path, NULL, exported_cb, &written);
  wait_until (export_done, &written, 60);
  g_assert_no_error (written.error);
  g_assert_true (written.ok);
  g_assert_null (message_dialog_of (dialog));
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  g_assert_cmpuint (length, >, 50000);
  g_assert_true (g_str_has_prefix (contents, "%PDF-"));
  g_assert_nonnull (g_strrstr_len (contents + length - 16, 16, "%%EOF"));

  /* into a folder that does not exist: the error names the file, the user sees it, nothing is written */
  atlas_export_dialog_export_async (ATLAS_EXPORT_DIALOG (dialog), missing, NULL, exported_cb, &failed);
  wait_until (export_done, &failed, 60);
  g_assert_false (failed.ok);
  g_assert_error (failed.error, ATLAS_EXPORT_ERROR, ATLAS_EXPORT_ERROR_WRITE);
  g_assert_nonnull (strstr (failed.error->message, "missing"));
  failure = message_dialog_of (dialog);
  g_assert_nonnull (failure);
  g_assert_cmpstr (adw_message_dialog_get_body (failure), ==, failed.error->message);
  gtk_window_destroy (GTK_WINDOW (failure));
  g_clear_error (&failed.error);
  g_assert_false (g_file_test (missing, G_FILE_TEST_EXISTS));

  gtk_window_destroy (GTK_WINDOW (dialog));
  g_unlink (path);
  g_rmdir (dir);
  close_window (window);
}

static void
test_missing_basemap (void)
{
  AtlasStartView start = { NAN, NAN, NAN };
  g_autoptr(AtlasApplication) app = NULL;
  AtlasWindow *window;
  g_autofree char *dir = g_dir_make_tmp ("atlas-empty-XXXXXX", NULL);

  g_setenv ("ATLAS_MAPS_DIR", dir, TRUE);
  app = atlas_application_new (&start, NULL);
  /* a second application in this process needs its own bus name */
  g_application_set_application_id (G_APPLICATION (app), ATLAS_APPLICATION_ID ".Test");
  g_test_expect_message ("atlas-widgets", G_LOG_LEVEL_WARNING, "*Data not loaded*land.0.bin*");
  g_test_expect_message ("atlas-widgets", G_LOG_LEVEL_WARNING, "*Data not loaded*Plan layers*");
  window = open_window (app);

  /* The window opens, paints sea, and says what is missing. */
  wait_for_tiles (window);
  wait_for_overlays (window);
  g_test_assert_expected_messages ();
  g_unsetenv ("ATLAS_MAPS_DIR");
  g_assert_nonnull (atlas_window_get_message (window));
  g_test_message ("%s", atlas_window_get_message (window));
  g_assert_nonnull (strstr (atlas_window_get_message (window), "land.0.bin"));

  close_window (window);
  g_rmdir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  atlas_register_resource ();

  g_test_add_func ("/atlas/window/shows-map", test_window_shows_map);
  g_test_add_func ("/atlas/window/layers-and-selection", test_layers_and_selection);
  g_test_add_func ("/atlas/window/plan-panel", test_plan_panel);
  g_test_add_func ("/atlas/window/export-dialog", test_export_dialog);
  g_test_add_func ("/atlas/window/missing-basemap", test_missing_basemap);

  return g_test_run ();
}
