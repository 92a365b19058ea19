/* atlas-views.c — preset map views */

#include "atlas-views.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "atlas-geo.h"

static const AtlasView views[] = {
  { "region", N_("Whole region"), 116.6, 39.3, 7.0 },
  { "beijing", N_("Beijing"), 116.40, 40.15, 8.6 },
  { "beijing-centre", N_("Beijing central city"), 116.38, 39.92, 11.0 },
  { "tianjin", N_("Tianjin"), 117.35, 39.30, 8.8 },
  { "xiongan", N_("Xiong’an New Area"), 115.98, 38.96, 10.5 },
  { "tongzhou", N_("Beijing Sub-centre / Tongzhou"), 116.72, 39.83, 10.6 },
  { "north-three", N_("Tongzhou and the three northern counties"), 116.88, 39.88, 9.8 },
  { "daxing-airport", N_("Daxing International Airport"), 116.41, 39.51, 11.0 },
  { "shijiazhuang", N_("Shijiazhuang"), 114.51, 38.04, 10.0 },
  { "baoding", N_("Baoding"), 115.46, 38.87, 10.0 },
  { "langfang", N_("Langfang"), 116.68, 39.52, 10.0 },
  { "tangshan", N_("Tangshan"), 118.18, 39.63, 10.0 },
  { "zhangjiakou", N_("Zhangjiakou"), 114.89, 40.82, 10.0 },
  { "chengde", N_("Chengde"), 117.96, 40.95, 10.0 },
  { "qinhuangdao", N_("Qinhuangdao"), 119.60, 39.94, 10.0 },
  { "cangzhou", N_("Cangzhou"), 116.84, 38.30, 10.0 },
  { "binhai", N_("Binhai New Area"), 117.65, 39.03, 10.2 },
};

const AtlasView *
atlas_views_get_all (guint *n_views)
{
  *n_views = G_N_ELEMENTS (views);
  return views;
}

const AtlasView *
atlas_views_lookup (const char *id)
{
  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    if (g_strcmp0 (views[i].id, id) == 0)
      return &views[i];
  return NULL;
}

/* "region, beijing, …" for messages. */
char *
atlas_views_list_ids (void)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (views); i++)
    g_string_append_printf (s, "%s%s", i ? ", " : "", views[i].id);
  return g_string_free (s, FALSE);
}

void
atlas_region_clamp (double *longitude,
                    double *latitude)
{
  *longitude = CLAMP (*longitude, ATLAS_REGION_WEST, ATLAS_REGION_EAST);
  *latitude = CLAMP (*latitude, ATLAS_REGION_SOUTH, ATLAS_REGION_NORTH);
}

/**
 * atlas_region_fit_zoom:
 *
 * The whole zoom level (tiles drawn at their own size, never scaled) at
 * which 北京, 天津 and 河北 fit into a map of @width_px × @height_px with a
 * small margin.
 */
double
atlas_region_fit_zoom (double width_px,
                       double height_px)
{
  double bw = atlas_geo_lon_to_world_x (ATLAS_BTH_EAST) - atlas_geo_lon_to_world_x (ATLAS_BTH_WEST);
  double bh = atlas_geo_lat_to_world_y (ATLAS_BTH_SOUTH) - atlas_geo_lat_to_world_y (ATLAS_BTH_NORTH);
  double zoom = log2 (MIN ((width_px - 24) / (bw * ATLAS_TILE_SIZE),
                           (height_px - 24) / (bh * ATLAS_TILE_SIZE)));

  return CLAMP (floor (zoom + 1e-6), ATLAS_MIN_ZOOM, ATLAS_MAX_ZOOM);
}

/**
 * atlas_region_extent:
 * @extent: (out): world coordinates
 *
 * What "whole region" shows on a page: 北京, 天津 and 河北 with a narrow
 * margin.
 */
void
atlas_region_extent (AtlasRect *extent)
{
  double x0 = atlas_geo_lon_to_world_x (ATLAS_BTH_WEST), x1 = atlas_geo_lon_to_world_x (ATLAS_BTH_EAST);
  double y0 = atlas_geo_lat_to_world_y (ATLAS_BTH_NORTH), y1 = atlas_geo_lat_to_world_y (ATLAS_BTH_SOUTH);
  double pad = MAX (x1 - x0, y1 - y0) * 0.02;

  *extent = (AtlasRect) { x0 - pad, y0 - pad, x1 + pad, y1 + pad };
}
