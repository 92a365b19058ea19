/* test-overlay-layer.c — the plan's overlay tiles on the map: a new tile
 * layer per visibility behind the highlight, the previous one kept until
 * the new source has no tile pending, hit testing with the visibility shown */

#include <gtk/gtk.h>

#include "map/atlas-highlight-layer.h"
#include "map/atlas-overlay-layer.h"
#include "model/atlas-data.h"
#include "atlas-test-util.h"

static AtlasData *data;

static guint
n_layers (ShumateMap *map)
{
  guint n = 0;

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (map)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (SHUMATE_IS_LAYER (child))
      n++;
  return n;
}

static void
test_refresh_swap_hit (void)
{
  ShumateMap *map = g_object_ref_sink (shumate_map_new ());
  ShumateViewport *viewport = shumate_map_get_viewport (map);
  AtlasHighlightLayer *highlight = atlas_highlight_layer_new (viewport);
  g_autoptr(AtlasOverlayMapLayer) layer = NULL;
  g_autoptr(AtlasVisibility) all = atlas_visibility_new_all (data->overlays);
  g_autoptr(AtlasVisibility) none = atlas_visibility_new (data->overlays, NULL, NULL, NULL);
  AtlasTileSource *first;

  shumate_map_add_layer (map, SHUMATE_LAYER (highlight));
  shumate_viewport_set_zoom_level (viewport, 8);
  layer = atlas_overlay_map_layer_new (map, viewport, SHUMATE_LAYER (highlight), data->overlays,
                                       data->basemap);

  /* nothing before the first refresh */
  g_assert_null (atlas_overlay_map_layer_get_source (layer));
  g_assert_null (atlas_overlay_map_layer_hit (layer, 39.9, 116.4));
  g_assert_cmpuint (n_layers (map), ==, 1);

  /* a tile layer behind the highlight; central Beijing is in a zone */
  atlas_overlay_map_layer_refresh (layer, all, 2);
  first = atlas_overlay_map_layer_get_source (layer);
  g_assert_nonnull (first);
  g_assert_cmpint (atlas_tile_source_get_scale_factor (first), ==, 2);
  g_assert_cmpuint (n_layers (map), ==, 2);
  g_assert_true (gtk_widget_get_last_child (GTK_WIDGET (map)) == GTK_WIDGET (highlight));
  g_assert_nonnull (atlas_overlay_map_layer_hit (layer, 39.9, 116.4));

  /* a new visibility: a new source; the old tiles stay until the new ones
   * are drawn, and hit testing follows what is shown */
  atlas_overlay_map_layer_refresh (layer, none, 1);
  g_assert_true (atlas_overlay_map_layer_get_source (layer) != first);
  g_assert_cmpuint (n_layers (map), ==, 3);
  g_assert_true (gtk_widget_get_last_child (GTK_WIDGET (map)) == GTK_WIDGET (highlight));
  g_assert_null (atlas_overlay_map_layer_hit (layer, 39.9, 116.4));

  /* another before those are drawn: the oldest goes at once */
  atlas_overlay_map_layer_refresh (layer, all, 1);
  g_assert_cmpuint (n_layers (map), ==, 3);
  g_assert_nonnull (atlas_overlay_map_layer_hit (layer, 39.9, 116.4));

  /* the new source has nothing pending (the map is not shown): told so,
   * the layer drops the previous tiles */
  g_assert_cmpuint (atlas_tile_source_get_pending (atlas_overlay_map_layer_get_source (layer)), ==, 0);
  g_object_notify (G_OBJECT (atlas_overlay_map_layer_get_source (layer)), "pending");
  g_assert_cmpuint (n_layers (map), ==, 2);
  g_assert_true (gtk_widget_get_last_child (GTK_WIDGET (map)) == GTK_WIDGET (highlight));

  g_clear_object (&layer);
  g_object_unref (map);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);
  gtk_init ();
  data = atlas_test_load_data ();

  g_test_add_func ("/atlas/overlay-layer/refresh-swap-hit", test_refresh_swap_hit);

  status = g_test_run ();
  atlas_data_unref (data);
  return status;
}
