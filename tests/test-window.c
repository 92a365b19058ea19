/* test-window.c — the main window under a display (Xvfb in CI) */

#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#include "widgets/atlas-application.h"
#include "widgets/atlas-settings.h"
#include "widgets/atlas-layer-panel.h"
#include "widgets/atlas-layer-row.h"
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

/* The map's tile layers: the base map's and the overlays' (two of those
 * while a new one is drawn). */
static guint
count_map_layers (AtlasWindow *window)
{
  ShumateMap *map = shumate_simple_map_get_map (SHUMATE_SIMPLE_MAP (atlas_window_get_map_widget (window)));
  guint n = 0;

  for (GtkWidget *c = gtk_widget_get_first_child (GTK_WIDGET (map)); c != NULL; c = gtk_widget_get_next_sibling (c))
    n += SHUMATE_IS_MAP_LAYER (c);
  return n;
}

typedef struct
{
  AtlasWindow *window;
  guint        requested;   /* the map's tile layers at the new overlays' first request */
  guint        layers;      /* and when they were first all drawn */
} SwapProbe;

static void
swap_probe_cb (AtlasTileSource *source,
               GParamSpec      *pspec,
               SwapProbe       *probe)
{
  if (probe->requested == 0 && atlas_tile_source_get_pending (source) > 0)
    probe->requested = count_map_layers (probe->window);
  if (probe->layers == 0 && atlas_tile_source_get_pending (source) == 0)
    probe->layers = count_map_layers (probe->window);
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
count_notes (guint *n)
{
  (*n)++;
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
  guint painted_notes = 0;
  gboolean painted = FALSE;

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  g_signal_connect_swapped (window, "notify::base-painted", G_CALLBACK (count_notes), &painted_notes);
  wait_for_tiles (window);
  wait_for_overlays (window);
  /* the overlays start loading when the base map is painted: told once */
  g_object_get (window, "base-painted", &painted, NULL);
  g_assert_true (painted);
  g_assert_cmpuint (painted_notes, ==, 1);
  g_signal_handlers_disconnect_by_data (window, &painted_notes);
  source = atlas_window_get_tile_source (window);
  g_test_message ("tiles painted: %u", atlas_tile_source_get_filled (source));
  g_assert_cmpuint (atlas_tile_source_get_filled (source), >=, 4);
  g_assert_null (atlas_window_get_message (window));

  g_assert_cmpfloat_with_epsilon (shumate_viewport_get_zoom_level (viewport), 9, 1e-9);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_latitude (SHUMATE_LOCATION (viewport)), 39.90, 1e-6);

  /* a first start (no saved layers) shows the plan's spatial structure,
   * figure 02: its layers, the circles muted behind them */
  {
    AtlasLayerState *state = atlas_window_get_layer_state (window);
    AtlasOverlays *overlays = atlas_layer_state_get_overlays (state);

    g_assert_true (atlas_layer_state_get_visible (state, atlas_overlays_lookup_layer (overlays, "structure.core")));
    g_assert_true (atlas_layer_state_get_visible (state, atlas_overlays_lookup_layer (overlays, "structure.corridors")));
    g_assert_true (atlas_layer_state_get_visible (state, atlas_overlays_lookup_layer (overlays, "circles.industrial")));
    g_assert_cmpfloat (atlas_layer_state_get_opacity (state, atlas_overlays_lookup_layer (overlays, "circles.industrial")), <, 1.0);
    g_assert_false (atlas_layer_state_get_visible (state, atlas_overlays_lookup_layer (overlays, "circles.beijing_eco")));
    g_assert_false (atlas_layer_state_get_visible (state, atlas_overlays_lookup_layer (overlays, "ecology.screen")));
  }

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

static ShumateSimpleMap *
find_map (GtkWidget *widget)
{
  if (SHUMATE_IS_SIMPLE_MAP (widget))
    return SHUMATE_SIMPLE_MAP (widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ShumateSimpleMap *map = find_map (child);

      if (map != NULL)
        return map;
    }
  return NULL;
}

/* "Whole region" in a 1200 px window with both sidebars: 北京, 天津 and
 * 河北 fit into the map as shown, at a whole zoom level. */
static void
test_whole_region_fits (void)
{
  AtlasStartView start = { NAN, NAN, NAN };
  g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
  AtlasWindow *window;
  ShumateViewport *viewport;
  const double corners[][2] = { { 113.45, 36.04 }, { 119.87, 42.62 }, { 113.45, 42.62 }, { 119.87, 36.04 } };
  ShumateSimpleMap *map;
  double zoom, w, h;

  /* another application in this process needs its own bus name */
  g_application_set_application_id (G_APPLICATION (app), ATLAS_APPLICATION_ID ".Region");
  window = open_window (app);
  viewport = atlas_window_get_viewport (window);
  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &window);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 800);
  wait_for_tiles (window);
  map = find_map (GTK_WIDGET (window));
  g_assert_nonnull (map);
  atlas_window_go_to_view (window, "region", FALSE);

  zoom = shumate_viewport_get_zoom_level (viewport);
  w = gtk_widget_get_width (GTK_WIDGET (map));
  h = gtk_widget_get_height (GTK_WIDGET (map));
  g_test_message ("map %.0f x %.0f px, zoom %.2f", w, h, zoom);
  g_assert_cmpfloat (w, <, 1200);
  g_assert_cmpfloat (zoom, ==, round (zoom));
  for (guint i = 0; i < G_N_ELEMENTS (corners); i++)
    {
      double x, y;

      shumate_viewport_location_to_widget_coords (viewport, GTK_WIDGET (map), corners[i][1], corners[i][0], &x, &y);
      g_assert_cmpfloat (x, >=, 0);
      g_assert_cmpfloat (x, <=, w);
      g_assert_cmpfloat (y, >=, 0);
      g_assert_cmpfloat (y, <=, h);
    }

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
  SwapProbe probe = { NULL, 0, 0 };
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
  g_assert_null (atlas_window_select_at (window, 39.46, 116.70));

  before = atlas_window_get_overlay_source (window);
  probe.window = window;
  gtk_switch_set_active (GTK_SWITCH (sw), TRUE);
  g_assert_true (atlas_layer_state_get_visible (state, commuting));
  g_assert_false (atlas_layer_state_get_visible (state, functional));
  g_assert_true (atlas_window_get_overlay_source (window) != before);
  /* the old overlay tiles stay until the new ones are drawn, then go at once */
  g_assert_cmpuint (count_map_layers (window), ==, 3);
  g_signal_connect (atlas_window_get_overlay_source (window), "notify::pending", G_CALLBACK (swap_probe_cb),
                    &probe);
  wait_until (overlays_painted, window, 30);
  g_signal_handlers_disconnect_by_data (atlas_window_get_overlay_source (window), &probe);
  g_assert_cmpuint (atlas_tile_source_get_filled (atlas_window_get_overlay_source (window)), >, 0);
  g_assert_cmpuint (probe.requested, ==, 3);
  g_assert_cmpuint (probe.layers, ==, 2);
  g_assert_cmpuint (count_map_layers (window), ==, 2);

  /* saved for the next start */
  settings = atlas_settings_new ();
  saved = g_settings_get_value (settings, "layers");
  g_assert_true (g_variant_lookup (saved, "circles.commuting", "(bd)", &visible, &opacity));
  g_assert_true (visible);

  /* 廊坊 is in the commuting circle; with the functional circle shown too,
   * a click lists the county first, then the smaller zone, then the larger;
   * a second click at the same place selects the next */
  atlas_layer_state_set_visible (state, functional, TRUE);
  g_assert_null (atlas_window_select_at (window, 39.46, 116.70));
  for (guint i = 0; i < atlas_window_get_here (window)->len; i++)
    g_test_message ("here: %s", ((AtlasEntity *) atlas_window_get_here (window)->pdata[i])->name_zh);
  g_assert_cmpint (((AtlasEntity *) atlas_window_get_here (window)->pdata[0])->kind, ==, ATLAS_ENTITY_COUNTY);
  /* the county (or two, near a border at this zoom), then the smaller circle */
  for (guint i = 0; i < 3 && (f = atlas_window_select_at (window, 39.46, 116.70)) == NULL; i++)
    ;
  g_assert_nonnull (f);
  g_assert_cmpstr (f->id, ==, "commuting_circle");
  g_assert_true (atlas_selection_get_feature (atlas_window_get_selection (window)) == f);
  g_test_message ("card: %s", atlas_window_get_card_text (window));
  g_assert_nonnull (strstr (atlas_window_get_card_text (window), "27,000"));

  /* 石家庄 is in neither */
  g_assert_null (atlas_window_select_at (window, 38.04, 114.51));

  /* the name of a prefecture on the map opens the prefecture */
  {
    AtlasEntity *langfang;

    g_assert_null (atlas_window_select_at (window, 39.5228, 116.6985));
    langfang = atlas_selection_get_entity (atlas_window_get_selection (window));
    g_assert_nonnull (langfang);
    g_assert_cmpint (langfang->kind, ==, ATLAS_ENTITY_AREA);
    g_assert_cmpstr (langfang->name_zh, ==, "廊坊市");
  }

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
    /* the click now finds the county, then the functional circle */
    atlas_window_select_at (window, 39.46, 116.72);
    for (guint i = 0; i < 3 && (f = atlas_window_select_at (window, 39.46, 116.72)) == NULL; i++)
      ;
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
  atlas_window_select_at (window, 39.46, 116.74);
  for (guint i = 0; i < 3 && atlas_window_select_at (window, 39.46, 116.74) == NULL; i++)
    ;
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

/* The search list: grouped rows with full names, passages with their
 * section and the match in bold; Enter selects the first; each keystroke's
 * search and rows take under 50 ms on the whole plan. */
static void
test_search (void)
{
  AtlasStartView start = { 116.40, 39.90, 8 };
  g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
  AtlasWindow *window;
  GtkWidget *list;
  GtkWidget *entry;
  AtlasEntity *chosen;
  gboolean saw_full_name = FALSE, saw_passage = FALSE;
  const char *keystrokes[] = { "大", "大运", "大运河", "白", "白洋", "白洋淀", "2", "20", "203", "2035" };

  g_application_set_application_id (G_APPLICATION (app), ATLAS_APPLICATION_ID ".Search");
  window = open_window (app);
  wait_for_overlays (window);

  for (guint i = 0; i < G_N_ELEMENTS (keystrokes); i++)
    {
      gint64 t0 = g_get_monotonic_time ();
      guint n = atlas_window_search (window, keystrokes[i]);
      double ms = (g_get_monotonic_time () - t0) / 1000.0;

      g_test_message ("“%s”: %u results in %.1f ms", keystrokes[i], n, ms);
      g_assert_cmpfloat (ms, <, 50);
    }

  g_assert_cmpuint (atlas_window_search (window, "大运河"), >=, 5);
  /* the rows past the first few come when the main loop is idle */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  list = atlas_window_get_search_list (window);
  /* wide enough for full names */
  g_assert_cmpint (gtk_widget_get_width (list) > 0 ? gtk_widget_get_width (list) : 400, >=, 360);
  {
    int min_width;

    gtk_widget_measure (list, GTK_ORIENTATION_HORIZONTAL, -1, &min_width, NULL, NULL, NULL);
    g_assert_cmpint (min_width, >=, 360);
  }
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    {
      GtkWidget *box = GTK_IS_LIST_BOX_ROW (row) ? gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row)) : NULL;
      GtkWidget *title = box != NULL ? gtk_widget_get_first_child (box) : NULL;
      GtkWidget *subtitle = title != NULL ? gtk_widget_get_next_sibling (title) : NULL;

      if (title == NULL || !GTK_IS_LABEL (title))
        continue;
      /* no row is cut short */
      g_assert_cmpint (gtk_label_get_ellipsize (GTK_LABEL (title)), ==, PANGO_ELLIPSIZE_NONE);
      saw_full_name |= g_str_equal (gtk_label_get_text (GTK_LABEL (title)), "大运河文化带");
      if (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (title)), "§ "))
        {
          saw_passage = TRUE;
          g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (subtitle)), "<b>大运河</b>"));
        }
    }
  g_assert_true (saw_full_name);
  g_assert_true (saw_passage);

  /* Enter in the entry chooses the first result */
  atlas_window_search (window, "白洋淀");
  entry = gtk_widget_get_ancestor (gtk_widget_get_parent (list), GTK_TYPE_POPOVER);
  g_assert_nonnull (entry);
  entry = gtk_widget_get_parent (entry);
  g_assert_true (GTK_IS_SEARCH_ENTRY (entry));
  g_signal_emit_by_name (entry, "activate");
  chosen = atlas_selection_get_entity (atlas_window_get_selection (window));
  g_assert_nonnull (chosen);
  g_assert_cmpstr (chosen->name_zh, ==, "白洋淀");

  close_window (window);
}

static gboolean
here_has (GPtrArray  *here,
          const char *name)
{
  for (guint i = 0; i < here->len; i++)
    if (g_str_equal (((AtlasEntity *) here->pdata[i])->name_zh, name))
      return TRUE;
  return FALSE;
}

/* A click at 香河 with the circles on offers the county, the three circles
 * and 通州区与北三县, smallest first, listed in the plan panel; clicks
 * again at the same place go through them. */
static void
test_what_is_here (void)
{
  AtlasStartView start = { 117.00, 39.76, 10 };
  g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
  AtlasWindow *window;
  AtlasLayerState *state;
  AtlasSelection *selection;
  GPtrArray *here;
  AtlasPlanPanel *panel;
  g_autofree char *text = NULL;
  double previous = 0;

  g_application_set_application_id (G_APPLICATION (app), ATLAS_APPLICATION_ID ".Here");
  window = open_window (app);
  wait_for_overlays (window);
  state = atlas_window_get_layer_state (window);
  selection = atlas_window_get_selection (window);
  g_assert_true (atlas_layer_state_set_visible_ids (state, "circles,crossborder", NULL));

  atlas_window_select_at (window, 39.76, 117.00);
  here = atlas_window_get_here (window);
  g_assert_nonnull (here);
  for (guint i = 0; i < here->len; i++)
    g_test_message ("here %u: %s", i, ((AtlasEntity *) here->pdata[i])->name_zh);
  g_assert_true (here_has (here, "香河县"));
  g_assert_true (here_has (here, "通勤圈"));
  g_assert_true (here_has (here, "功能圈"));
  g_assert_true (here_has (here, "产业协同圈"));
  g_assert_true (here_has (here, "通州区与北三县"));
  /* smallest first: the county is selected */
  for (guint i = 0; i < here->len; i++)
    {
      double stated, area = atlas_entity_area_km2 (here->pdata[i], &stated);

      g_assert_cmpfloat (area, >=, previous);
      previous = area;
    }
  g_assert_true (atlas_selection_get_entity (selection) == here->pdata[0]);
  g_assert_cmpstr (((AtlasEntity *) here->pdata[0])->name_zh, ==, "香河县");
  g_assert_nonnull (strstr (((AtlasEntity *) here->pdata[0])->context, "廊坊市 · 河北省"));

  /* the card (shown when the plan's panel is closed) says what comes next */
  g_assert_nonnull (strstr (atlas_window_get_card_text (window), "click again for"));

  /* the others one click away: listed in the plan panel */
  panel = ATLAS_PLAN_PANEL (atlas_window_get_plan_panel (window));
  text = atlas_plan_panel_get_text (panel);
  g_assert_nonnull (strstr (text, "通州区与北三县"));
  g_assert_nonnull (strstr (text, "产业协同圈"));

  /* clicking again selects the next, and so on round */
  for (guint i = 1; i <= here->len; i++)
    {
      atlas_window_select_at (window, 39.76, 117.00);
      g_assert_true (atlas_selection_get_entity (selection) == here->pdata[i % here->len]);
    }

  /* Enter on the map: what is at its centre */
  atlas_selection_set_section (selection, NULL, NULL);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.here", NULL));
  g_assert_nonnull (atlas_selection_get_entity (selection));

  close_window (window);
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* A layer row built on its own from the state and the selection: its
 * switch, slider and feature rows follow the state and change it. */
static void
test_layer_row (void)
{
  AtlasStartView start = { 116.90, 39.90, 8 };
  g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
  AtlasWindow *window;
  AtlasLayerState *state;
  AtlasSelection *selection;
  AtlasOverlayLayer *layer;
  AtlasOverlayFeature *feature;
  AtlasLayerRow *row;
  GtkWidget *sw, *fsw, *scale;

  g_application_set_application_id (G_APPLICATION (app), ATLAS_APPLICATION_ID ".Row");
  window = open_window (app);
  wait_for_overlays (window);
  state = atlas_window_get_layer_state (window);
  selection = atlas_window_get_selection (window);
  layer = atlas_overlays_lookup_layer (atlas_layer_state_get_overlays (state), "circles.commuting");
  g_assert_nonnull (layer);
  g_assert_cmpuint (layer->features->len, >, 0);
  feature = g_ptr_array_index (layer->features, 0);
  g_assert_true (atlas_layer_state_set_visible_ids (state, "circles", NULL));

  row = g_object_ref_sink (atlas_layer_row_new (state, selection, layer));
  g_assert_true (atlas_layer_row_get_layer (row) == layer);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, layer->name_zh);
  sw = atlas_layer_row_get_switch (row);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sw)));
  gtk_switch_set_active (GTK_SWITCH (sw), FALSE);
  g_assert_false (atlas_layer_state_get_visible (state, layer));
  atlas_layer_state_set_visible (state, layer, TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (sw)));

  scale = find_descendant (GTK_WIDGET (row), GTK_TYPE_SCALE);
  g_assert_nonnull (scale);
  atlas_layer_state_set_opacity (state, layer, 0.4);
  g_assert_cmpfloat_with_epsilon (gtk_range_get_value (GTK_RANGE (scale)), 40, 1e-9);
  gtk_range_set_value (GTK_RANGE (scale), 75);
  g_assert_cmpfloat_with_epsilon (atlas_layer_state_get_opacity (state, layer), 0.75, 1e-9);

  /* the features, built when the row opens */
  fsw = atlas_layer_row_get_feature_switch (row, feature);
  g_assert_nonnull (fsw);
  g_assert_true (adw_expander_row_get_expanded (ADW_EXPANDER_ROW (row)));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (fsw)));
  gtk_switch_set_active (GTK_SWITCH (fsw), FALSE);
  g_assert_false (atlas_layer_state_get_feature_visible (state, feature));
  atlas_layer_state_set_feature_visible (state, feature, TRUE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (fsw)));
  /* activating a feature of a hidden layer shows the layer and selects the feature */
  atlas_layer_state_set_visible (state, layer, FALSE);
  adw_action_row_activate (ADW_ACTION_ROW (gtk_widget_get_ancestor (fsw, ADW_TYPE_ACTION_ROW)));
  g_assert_true (atlas_selection_get_feature (selection) == feature);
  g_assert_true (atlas_layer_state_get_visible (state, layer));

  /* the filter: the row hides unless the layer, its group or a feature matches */
  g_assert_false (atlas_layer_row_filter (row, "no such name", FALSE));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (row)));
  g_assert_true (atlas_layer_row_filter (row, "no such name", TRUE));
  g_assert_true (atlas_layer_row_filter (row, "", FALSE));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (row)));

  atlas_layer_state_set_opacity (state, layer, 1.0);
  g_assert_finalize_object (row);
  close_window (window);
}

/* "Show only" twice puts the other layers back; a group with some of its
 * layers on looks mixed; the filter keeps the rows that match; Escape and
 * "Hide All" clear a section's outlines. */
static void
test_layer_panel_states (void)
{
  AtlasStartView start = { 116.90, 39.90, 8 };
  g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
  AtlasWindow *window;
  AtlasLayerState *state;
  AtlasOverlays *overlays;
  GtkWidget *panel, *gsw;
  AtlasSelection *selection;
  AtlasPlanPanel *plan;
  g_autoptr(AtlasVisibility) before = NULL;
  g_autoptr(AtlasVisibility) after = NULL;

  g_application_set_application_id (G_APPLICATION (app), ATLAS_APPLICATION_ID ".States");
  window = open_window (app);
  wait_for_overlays (window);
  state = atlas_window_get_layer_state (window);
  overlays = atlas_layer_state_get_overlays (state);
  panel = atlas_window_get_layer_panel (window);
  selection = atlas_window_get_selection (window);

  g_assert_true (atlas_layer_state_set_visible_ids (state, "circles,transport", NULL));
  before = atlas_layer_state_snapshot (state);
  g_assert_true (gtk_widget_activate_action (panel, "layers.show-only", "s", "circles.commuting"));
  g_assert_true (atlas_layer_state_is_only (state, atlas_overlays_lookup_layer (overlays, "circles.commuting")));
  g_assert_true (gtk_widget_activate_action (panel, "layers.show-only", "s", "circles.commuting"));
  after = atlas_layer_state_snapshot (state);
  g_assert_true (atlas_visibility_equal (after, before));

  /* mixed: one of the group's layers */
  gsw = atlas_layer_panel_get_group_switch (ATLAS_LAYER_PANEL (panel), "circles");
  g_assert_false (gtk_widget_has_css_class (gsw, "atlas-mixed"));
  atlas_layer_state_set_visible (state, atlas_overlays_lookup_layer (overlays, "circles.functional"), FALSE);
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (gsw)));
  g_assert_true (gtk_widget_has_css_class (gsw, "atlas-mixed"));
  g_assert_true (atlas_layer_state_set_visible_ids (state, "circles", NULL));
  g_assert_false (gtk_widget_has_css_class (gsw, "atlas-mixed"));

  /* the filter: a feature's name keeps its layer, hides the rest */
  atlas_layer_panel_set_filter (ATLAS_LAYER_PANEL (panel), "白洋淀");
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_ancestor (
    atlas_layer_panel_get_switch (ATLAS_LAYER_PANEL (panel), "ecology.lakes"), ADW_TYPE_EXPANDER_ROW)));
  g_assert_false (gtk_widget_get_visible (gtk_widget_get_ancestor (
    atlas_layer_panel_get_switch (ATLAS_LAYER_PANEL (panel), "circles.commuting"), ADW_TYPE_EXPANDER_ROW)));
  atlas_layer_panel_set_filter (ATLAS_LAYER_PANEL (panel), "");
  g_assert_true (gtk_widget_get_visible (gtk_widget_get_ancestor (
    atlas_layer_panel_get_switch (ATLAS_LAYER_PANEL (panel), "circles.commuting"), ADW_TYPE_EXPANDER_ROW)));

  /* Escape clears a section's outlines */
  plan = ATLAS_PLAN_PANEL (atlas_window_get_plan_panel (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan), "plan.show-section", "s", "4.4"));
  g_assert_nonnull (atlas_selection_get_section_features (selection));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.clear-selection", NULL));
  g_assert_null (atlas_selection_get_section (selection));
  g_assert_null (atlas_selection_get_section_features (selection));
  g_assert_null (atlas_selection_get_entity (selection));

  /* and so does Hide All */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (plan), "plan.show-section", "s", "4.4"));
  g_assert_nonnull (atlas_selection_get_section_features (selection));
  g_assert_true (gtk_widget_activate_action (panel, "layers.all-visible", "b", FALSE));
  g_assert_null (atlas_selection_get_section_features (selection));

  close_window (window);
}

typedef struct
{
  AtlasWindow *window;
  int          width;
} SizeWait;

static gboolean
window_has_width (gpointer data)
{
  SizeWait *w = data;
  GtkWidget *map = atlas_window_get_map_widget (w->window);

  /* the window's frame takes a few pixels of its size */
  return ABS (gtk_widget_get_width (GTK_WIDGET (w->window)) - w->width) <= 20 && gtk_widget_get_width (map) > 0
         && atlas_window_get_layer_state (w->window) != NULL;
}

/* At 1024×700 the sidebars fold away and the map takes the window; at
 * 1280×800 both show and leave the map at least 55 %. */
static void
test_adaptive_layout (void)
{
  const int sizes[][2] = { { 1024, 700 }, { 1280, 800 } };

  for (guint k = 0; k < G_N_ELEMENTS (sizes); k++)
    {
      AtlasStartView start = { 116.40, 39.90, 8 };
      g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
      g_autoptr(GSettings) settings = atlas_settings_new ();
      g_autofree char *id = g_strdup_printf ("%s.Size%u", ATLAS_APPLICATION_ID, k);
      SizeWait wait;
      GtkWidget *panel;
      AdwFlap *flap;
      double share;

      g_settings_set (settings, "window-size", "(ii)", sizes[k][0], sizes[k][1]);
      g_settings_set_boolean (settings, "window-maximized", FALSE);
      g_settings_set_boolean (settings, "sidebar-visible", TRUE);
      g_application_set_application_id (G_APPLICATION (app), id);
      wait.window = open_window (app);
      wait.width = sizes[k][0];
      wait_until (window_has_width, &wait, 60);
      /* let the sidebars settle */
      for (guint i = 0; i < 20; i++)
        g_main_context_iteration (NULL, FALSE);
      panel = atlas_window_get_layer_panel (wait.window);
      flap = ADW_FLAP (gtk_widget_get_ancestor (panel, ADW_TYPE_FLAP));
      share = (double) gtk_widget_get_width (atlas_window_get_map_widget (wait.window))
              / gtk_widget_get_width (GTK_WIDGET (wait.window));
      g_test_message ("%d×%d: map %.0f %% of the width, layers %s", sizes[k][0], sizes[k][1], share * 100,
                      adw_flap_get_folded (flap) ? "folded" : "beside the map");
      if (sizes[k][0] == 1024)
        {
          g_assert_true (adw_flap_get_folded (flap));
          g_assert_false (adw_flap_get_reveal_flap (flap));
          g_assert_cmpfloat (share, >, 0.60);
          /* F9 still shows it, over the map */
          g_assert_true (gtk_widget_activate_action (GTK_WIDGET (wait.window), "win.toggle-sidebar", NULL));
          g_assert_true (adw_flap_get_reveal_flap (flap));
        }
      else
        {
          g_assert_false (adw_flap_get_folded (flap));
          g_assert_true (adw_flap_get_reveal_flap (flap));
          g_assert_true (gtk_widget_get_mapped (atlas_window_get_plan_panel (wait.window)));
          g_assert_cmpfloat (share, >=, 0.55);
        }
      close_window (wait.window);
    }
}

static gboolean
preview_ready (gpointer dialog)
{
  return atlas_export_dialog_preview_ready (dialog);
}

static gboolean
toast_shown (gpointer dialog)
{
  return atlas_export_dialog_get_last_toast (dialog) != NULL;
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
  g_autoptr(GSettings) settings = NULL;
  g_autofree char *title = NULL;
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
  g_assert_true (atlas_visibility_layer_visible (job->visibility,
                                                 atlas_overlays_lookup_layer (job->data->overlays, "circles.commuting")));
  atlas_export_job_free (job);

  /* the file is named from the title and the date */
  atlas_export_dialog_set_page_title (ATLAS_EXPORT_DIALOG (dialog), "通州/北三县: 协同 2035");
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *date = g_date_time_format (now, "%Y-%m-%d");
    g_autofree char *expected = g_strdup_printf ("通州-北三县- 协同 2035-%s.pdf", date);
    g_autofree char *name = atlas_export_dialog_suggest_name (ATLAS_EXPORT_DIALOG (dialog), "pdf");

    g_assert_cmpstr (name, ==, expected);
    g_free (path);
    path = g_build_filename (dir, name, NULL);
  }
  /* the settings are remembered once used, not while typing */
  settings = atlas_settings_new ();
  title = g_settings_get_string (settings, "export-title");
  g_assert_cmpstr (title, !=, "通州/北三县: 协同 2035");
  g_clear_pointer (&title, g_free);
  atlas_export_dialog_export_async (ATLAS_EXPORT_DIALOG (dialog), path, NULL, exported_cb, &written);
  wait_until (export_done, &written, 60);
  g_assert_no_error (written.error);
  g_assert_true (written.ok);
  title = g_settings_get_string (settings, "export-title");
  g_assert_cmpstr (title, ==, "通州/北三县: 协同 2035");
  g_assert_null (message_dialog_of (dialog));
  wait_until (toast_shown, dialog, 60);
  g_test_message ("toast: %s", atlas_export_dialog_get_last_toast (ATLAS_EXPORT_DIALOG (dialog)));
  g_assert_nonnull (strstr (atlas_export_dialog_get_last_toast (ATLAS_EXPORT_DIALOG (dialog)), "2035"));
  g_assert_nonnull (strstr (atlas_export_dialog_get_last_toast (ATLAS_EXPORT_DIALOG (dialog)), dir));
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

  /* the next dialog starts from them */
  dialog = atlas_window_open_export_dialog (window);
  job = atlas_export_dialog_build_job (ATLAS_EXPORT_DIALOG (dialog));
  g_assert_cmpstr (job->title, ==, "通州/北三县: 协同 2035");
  g_assert_true (job->excerpt != NULL);
  atlas_export_job_free (job);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_settings_reset (settings, "export-title");

  /* each remembered choice shows in its row: paper, orientation, format, a custom resolution */
  g_settings_set_string (settings, "export-paper", "A2");
  g_settings_set_boolean (settings, "export-landscape", FALSE);
  g_settings_set_string (settings, "export-format", "png");
  g_settings_set_int (settings, "export-dpi", 200);
  g_settings_set_boolean (settings, "export-excerpt", FALSE);
  dialog = atlas_window_open_export_dialog (window);
  job = atlas_export_dialog_build_job (ATLAS_EXPORT_DIALOG (dialog));
  g_assert_cmpstr (job->paper->id, ==, "A2");
  g_assert_false (job->landscape);
  g_assert_cmpint (job->format, ==, ATLAS_EXPORT_PNG);
  g_assert_cmpfloat (job->dpi, ==, 200);
  g_assert_null (job->excerpt);
  atlas_export_job_free (job);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_settings_set_int (settings, "export-dpi", 150);
  dialog = atlas_window_open_export_dialog (window);
  job = atlas_export_dialog_build_job (ATLAS_EXPORT_DIALOG (dialog));
  g_assert_cmpfloat (job->dpi, ==, 150);
  atlas_export_job_free (job);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_settings_reset (settings, "export-paper");
  g_settings_reset (settings, "export-landscape");
  g_settings_reset (settings, "export-format");
  g_settings_reset (settings, "export-dpi");
  g_settings_reset (settings, "export-excerpt");

  g_unlink (path);
  g_rmdir (dir);
  close_window (window);
}

/* The menu model of a menu button under @widget that has a "Plan figures"
 * submenu, and that submenu. */
static GMenuModel *
find_figures_submenu (GtkWidget *widget)
{
  if (GTK_IS_MENU_BUTTON (widget) && gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget)) != NULL)
    {
      GMenuModel *model = gtk_menu_button_get_menu_model (GTK_MENU_BUTTON (widget));

      for (int i = 0; i < g_menu_model_get_n_items (model); i++)
        {
          g_autofree char *label = NULL;
          GMenuModel *sub = g_menu_model_get_item_link (model, i, G_MENU_LINK_SUBMENU);

          if (sub != NULL && g_menu_model_get_item_attribute (model, i, G_MENU_ATTRIBUTE_LABEL, "s", &label)
              && g_str_equal (label, "Plan figures"))
            return sub;
          g_clear_object (&sub);
        }
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GMenuModel *found = find_figures_submenu (child);

      if (found != NULL)
        return found;
    }
  return NULL;
}

/* The plan panel's contents row that opens figure @number. */
static GtkWidget *
find_figure_row (GtkWidget *widget,
                 guint      number)
{
  if (GTK_IS_LIST_BOX_ROW (widget)
      && GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (widget), "figure")) == number)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_figure_row (child, number);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
layer_shown (AtlasWindow *window,
             const char  *id)
{
  AtlasLayerState *state = atlas_window_get_layer_state (window);

  return atlas_layer_state_get_visible (state, atlas_overlays_lookup_layer (atlas_layer_state_get_overlays (state), id));
}

/* After the first start the remembered layers win; the plan's figures open
 * from the Views menu's action and from the plan's contents, and frame
 * their extent at a whole zoom level. */
static void
test_figures (void)
{
  AtlasStartView start = { NAN, NAN, NAN };
  g_autoptr(AtlasApplication) app = atlas_application_new (&start, NULL);
  g_autoptr(GSettings) settings = atlas_settings_new ();
  g_autoptr(GVariant) saved = g_settings_get_value (settings, "layers");
  g_autoptr(GMenuModel) submenu = NULL;
  ShumateViewport *viewport;
  AtlasLayerState *state;
  AtlasWindow *window;
  GtkWidget *row;
  GVariantIter iter;
  const char *id;
  gboolean visible;
  double opacity, zoom;
  guint checked = 0;

  g_application_set_application_id (G_APPLICATION (app), ATLAS_APPLICATION_ID ".Figures");
  window = open_window (app);
  wait_for_overlays (window);
  state = atlas_window_get_layer_state (window);
  viewport = atlas_window_get_viewport (window);

  /* earlier tests left their layers in the settings: those win over figure 02 */
  g_assert_cmpuint (g_variant_n_children (saved), >, 0);
  g_variant_iter_init (&iter, saved);
  while (g_variant_iter_next (&iter, "{&s(bd)}", &id, &visible, &opacity))
    {
      g_assert_cmpint (layer_shown (window, id), ==, visible);
      checked++;
    }
  g_assert_cmpuint (checked, ==, atlas_overlays_get_layers (atlas_layer_state_get_overlays (state))->len);

  /* Views → Plan figures lists the six, each opening its figure */
  submenu = find_figures_submenu (GTK_WIDGET (window));
  g_assert_nonnull (submenu);
  g_assert_cmpint (g_menu_model_get_n_items (submenu), ==, 6);
  {
    g_autofree char *label = NULL;
    g_autofree char *action = NULL;
    g_autoptr(GVariant) target = g_menu_model_get_item_attribute_value (submenu, 4, G_MENU_ATTRIBUTE_TARGET, G_VARIANT_TYPE_UINT32);

    g_assert_true (g_menu_model_get_item_attribute (submenu, 4, G_MENU_ATTRIBUTE_LABEL, "s", &label));
    g_assert_cmpstr (label, ==, "图05 首都都市圈综合交通体系规划示意图");
    g_assert_true (g_menu_model_get_item_attribute (submenu, 4, G_MENU_ATTRIBUTE_ACTION, "s", &action));
    g_assert_cmpstr (action, ==, "win.figure");
    g_assert_cmpuint (g_variant_get_uint32 (target), ==, 5);
  }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.figure", "u", 5));
  g_assert_true (layer_shown (window, "transport.radial"));
  g_assert_true (layer_shown (window, "transport.airports"));
  g_assert_false (layer_shown (window, "culture.belts"));
  g_assert_false (layer_shown (window, "structure.core"));

  /* framed at a whole zoom level, centred on its extent */
  g_assert_true (atlas_window_show_figure (window, 6, FALSE));
  g_assert_true (layer_shown (window, "ecology.screen"));
  g_assert_false (layer_shown (window, "transport.radial"));
  zoom = shumate_viewport_get_zoom_level (viewport);
  g_test_message ("figure 06 at zoom %g, map %d x %d", zoom, gtk_widget_get_width (GTK_WIDGET (window)),
                  gtk_widget_get_height (GTK_WIDGET (window)));
  g_assert_cmpfloat (zoom, ==, floor (zoom));
  g_assert_cmpfloat (zoom, >=, 5);
  g_assert_cmpfloat (zoom, <=, 8);
  g_assert_cmpfloat_with_epsilon (shumate_location_get_longitude (SHUMATE_LOCATION (viewport)), 116.8, 1e-6);

  /* the plan's contents list the figures (附图); a row opens its figure */
  row = find_figure_row (atlas_window_get_plan_panel (window), 3);
  g_assert_nonnull (row);
  g_assert_true (gtk_widget_activate (row));
  g_assert_true (layer_shown (window, "culture.mountain_sea_axes"));
  g_assert_false (layer_shown (window, "ecology.screen"));

  /* no such figure: nothing changes */
  g_assert_false (atlas_window_show_figure (window, 9, FALSE));
  g_assert_true (layer_shown (window, "culture.mountain_sea_axes"));

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

static void
link_to (const char *target,
         const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_file_make_symbolic_link (file, target, NULL, &error);
  g_assert_no_error (error);
}

/* A folder like maps/ whose base map has a damaged @broken: the other
 * files are links to the real ones. */
static char *
maps_with_broken (const char *broken)
{
  g_autofree char *dir = g_dir_make_tmp ("atlas-broken-XXXXXX", NULL);
  g_autofree char *basemap = g_build_filename (dir, "basemap", NULL);
  g_autoptr(GDir) source = g_dir_open (ATLAS_SOURCE_BASEMAP_DIR, 0, NULL);
  const char *name;

  for (const char **top = (const char *[]) { "layers", "plan", "gazetteer.tsv", NULL }; *top; top++)
    {
      g_autofree char *from = g_build_filename (ATLAS_SOURCE_MAPS_DIR, *top, NULL);
      g_autofree char *to = g_build_filename (dir, *top, NULL);

      link_to (from, to);
    }
  g_assert_cmpint (g_mkdir (basemap, 0755), ==, 0);
  while ((name = g_dir_read_name (source)) != NULL)
    {
      g_autofree char *from = g_build_filename (ATLAS_SOURCE_BASEMAP_DIR, name, NULL);
      g_autofree char *to = g_build_filename (basemap, name, NULL);

      if (g_str_equal (name, broken))
        g_assert_true (g_file_set_contents (to, "damaged", -1, NULL));
      else
        link_to (from, to);
    }
  return g_steal_pointer (&dir);
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

/* A damaged relief file: the rest of the map draws, the banner names it. */
static void
test_damaged_relief (void)
{
  AtlasStartView start = { 116.40, 40.2, 8 };
  g_autoptr(AtlasApplication) app = NULL;
  AtlasWindow *window;
  g_autofree char *dir = maps_with_broken ("relief.bin");

  g_setenv ("ATLAS_MAPS_DIR", dir, TRUE);
  app = atlas_application_new (&start, NULL);
  g_application_set_application_id (G_APPLICATION (app), ATLAS_APPLICATION_ID ".Test2");
  g_test_expect_message ("atlas-widgets", G_LOG_LEVEL_WARNING, "*Data not loaded*relief.bin*");
  window = open_window (app);

  wait_for_tiles (window);
  wait_for_overlays (window);
  g_test_assert_expected_messages ();
  g_unsetenv ("ATLAS_MAPS_DIR");
  g_assert_cmpuint (atlas_tile_source_get_filled (atlas_window_get_tile_source (window)), >=, 4);
  g_assert_nonnull (atlas_window_get_message (window));
  g_test_message ("%s", atlas_window_get_message (window));
  g_assert_nonnull (strstr (atlas_window_get_message (window), "relief.bin"));
  /* the plan's layers still load on the base map */
  g_assert_null (strstr (atlas_window_get_message (window), "Plan layers"));

  close_window (window);
  remove_tree (dir);
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
  g_test_add_func ("/atlas/window/search", test_search);
  g_test_add_func ("/atlas/window/what-is-here", test_what_is_here);
  g_test_add_func ("/atlas/window/layer-panel-states", test_layer_panel_states);
  g_test_add_func ("/atlas/window/layer-row", test_layer_row);
  g_test_add_func ("/atlas/window/adaptive-layout", test_adaptive_layout);
  g_test_add_func ("/atlas/window/export-dialog", test_export_dialog);
  g_test_add_func ("/atlas/window/figures", test_figures);
  g_test_add_func ("/atlas/window/missing-basemap", test_missing_basemap);
  g_test_add_func ("/atlas/window/whole-region-fits", test_whole_region_fits);

  g_test_add_func ("/atlas/window/damaged-relief", test_damaged_relief);

  return g_test_run ();
}
