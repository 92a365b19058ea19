/* atlas-overlays.c — the plan's overlay layers (maps/layers/GROUP.json):
 * the object, its constructors, lookups and hit testing; the JSON reader
 * is in atlas-overlays-reader.c, the geometry in atlas-overlays-geometry.c */

#include "atlas-overlays-private.h"
#include "atlas-visibility.h"

#include <geos_c.h>
#include <math.h>

G_DEFINE_FINAL_TYPE (AtlasOverlays, atlas_overlays, G_TYPE_OBJECT)
G_DEFINE_QUARK (atlas-overlays-error-quark, atlas_overlays_error)

/* Freeing */

static void
geom_clear (AtlasGeomLayer *g)
{
  g_clear_pointer (&g->features, g_free);
  g_clear_pointer (&g->parts, g_free);
  g_clear_pointer (&g->points, g_free);
}

static void
feature_free (AtlasOverlayFeature *f,
              GEOSContextHandle_t  ctx)
{
  g_free (f->id);
  g_free (f->name_zh);
  g_free (f->name_en);
  g_free (f->note);
  g_strfreev (f->plan_refs);
  g_clear_pointer (&f->counties, g_array_unref);
  g_clear_pointer (&f->partial_counties, g_array_unref);
  for (guint b = 0; b < ATLAS_N_BANDS; b++)
    {
      geom_clear (&f->geom[b]);
      geom_clear (&f->partial_geom[b]);
    }
  if (f->geos != NULL)
    GEOSGeom_destroy_r (ctx, f->geos);
  g_free (f);
}

static void
layer_free (gpointer data)
{
  AtlasOverlayLayer *l = data;

  g_free (l->id);
  g_free (l->name_zh);
  g_free (l->name_en);
  g_strfreev (l->plan_refs);
  g_ptr_array_unref (l->styles);
  g_ptr_array_unref (l->features);
  g_free (l);
}

static void
group_free (gpointer data)
{
  AtlasOverlayGroup *g = data;

  g_free (g->id);
  g_free (g->name_zh);
  g_free (g->name_en);
  g_strfreev (g->plan_refs);
  g_ptr_array_unref (g->layers);
  g_free (g);
}

static void
atlas_overlays_finalize (GObject *object)
{
  AtlasOverlays *self = ATLAS_OVERLAYS (object);

  for (guint i = 0; i < self->features->len; i++)
    feature_free (g_ptr_array_index (self->features, i), self->geos);
  g_ptr_array_unref (self->features);
  g_ptr_array_unref (self->layers);
  g_ptr_array_unref (self->groups);
  g_hash_table_unref (self->feature_index);
  g_hash_table_unref (self->layer_index);
  g_hash_table_unref (self->group_index);
  g_hash_table_unref (self->band_anchors);
  g_mutex_clear (&self->band_lock);
  GEOS_finish_r (self->geos);

  G_OBJECT_CLASS (atlas_overlays_parent_class)->finalize (object);
}

static void
atlas_overlays_class_init (AtlasOverlaysClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = atlas_overlays_finalize;
}

static void
atlas_overlays_init (AtlasOverlays *self)
{
  self->geos = GEOS_init_r ();
  self->groups = g_ptr_array_new_with_free_func (group_free);
  self->layers = g_ptr_array_new_with_free_func (layer_free);
  self->features = g_ptr_array_new ();
  self->feature_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->layer_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->group_index = g_hash_table_new (g_str_hash, g_str_equal);
  self->band_anchors = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_mutex_init (&self->band_lock);
}

static void
named_bytes_clear (gpointer data)
{
  NamedBytes *nb = data;

  g_free (nb->name);
  g_bytes_unref (nb->bytes);
}

/**
 * atlas_overlays_new_from_resource:
 * @cache_dir: (nullable): the folder of the union cache, or %NULL for none
 * @problems: (nullable): where to add the errors of files left out; with
 *   %NULL any error fails the load
 */
AtlasOverlays *
atlas_overlays_new_from_resource (const char      *resource_path,
                                  AtlasBasemap    *basemap,
                                  AtlasGazetteer  *gazetteer,
                                  AtlasPlan       *plan,
                                  GFile           *cache_dir,
                                  GPtrArray       *problems,
                                  GError         **error)
{
  g_autoptr(GArray) files = g_array_new (FALSE, FALSE, sizeof (NamedBytes));
  g_auto(GStrv) names = g_resources_enumerate_children (resource_path, 0, NULL);

  g_array_set_clear_func (files, named_bytes_clear);
  for (guint i = 0; names != NULL && names[i] != NULL; i++)
    {
      g_autofree char *path = g_build_path ("/", resource_path, names[i], NULL);
      NamedBytes nb;

      if (!g_str_has_suffix (names[i], ".json"))
        continue;
      nb.name = g_strdup (names[i]);
      nb.bytes = g_resources_lookup_data (path, 0, NULL);
      if (nb.bytes == NULL)
        {
          g_free (nb.name);
          continue;
        }
      g_array_append_val (files, nb);
    }
  if (files->len == 0)
    {
      g_set_error (error, ATLAS_OVERLAYS_ERROR, ATLAS_OVERLAYS_ERROR_SYNTAX,
                   "no layer files in the application's resources");
      return NULL;
    }
  return atlas_overlays_load (files, basemap, gazetteer, plan, cache_dir, problems, error);
}

AtlasOverlays *
atlas_overlays_new_from_directory (GFile           *directory,
                                   AtlasBasemap    *basemap,
                                   AtlasGazetteer  *gazetteer,
                                   AtlasPlan       *plan,
                                   GFile           *cache_dir,
                                   GPtrArray       *problems,
                                   GError         **error)
{
  g_autoptr(GArray) files = g_array_new (FALSE, FALSE, sizeof (NamedBytes));
  g_autoptr(GFileEnumerator) enumerator = NULL;
  GFileInfo *info;

  g_array_set_clear_func (files, named_bytes_clear);
  enumerator = g_file_enumerate_children (directory, G_FILE_ATTRIBUTE_STANDARD_NAME,
                                          G_FILE_QUERY_INFO_NONE, NULL, error);
  if (enumerator == NULL)
    return NULL;

  while ((info = g_file_enumerator_next_file (enumerator, NULL, NULL)) != NULL)
    {
      const char *name = g_file_info_get_name (info);

      if (g_str_has_suffix (name, ".json"))
        {
          g_autoptr(GFile) file = g_file_get_child (directory, name);
          NamedBytes nb = { g_strdup (name), g_file_load_bytes (file, NULL, NULL, error) };

          if (nb.bytes == NULL)
            {
              g_free (nb.name);
              g_object_unref (info);
              return NULL;
            }
          g_array_append_val (files, nb);
        }
      g_object_unref (info);
    }

  if (files->len == 0)
    {
      g_autofree char *path = g_file_get_path (directory);
      g_set_error (error, ATLAS_OVERLAYS_ERROR, ATLAS_OVERLAYS_ERROR_SYNTAX,
                   "%s: no layer files (*.json)", path);
      return NULL;
    }
  return atlas_overlays_load (files, basemap, gazetteer, plan, cache_dir, problems, error);
}

AtlasOverlays *
atlas_overlays_new_empty (void)
{
  return g_object_new (ATLAS_TYPE_OVERLAYS, NULL);
}

GPtrArray *
atlas_overlays_get_groups (AtlasOverlays *self)
{
  return self->groups;
}

GPtrArray *
atlas_overlays_get_layers (AtlasOverlays *self)
{
  return self->layers;
}

GPtrArray *
atlas_overlays_get_features (AtlasOverlays *self)
{
  return self->features;
}

AtlasOverlayFeature *
atlas_overlays_lookup_feature (AtlasOverlays *self,
                               const char    *id)
{
  return g_hash_table_lookup (self->feature_index, id);
}

AtlasOverlayLayer *
atlas_overlays_lookup_layer (AtlasOverlays *self,
                             const char    *id)
{
  return g_hash_table_lookup (self->layer_index, id);
}

AtlasOverlayGroup *
atlas_overlays_lookup_group (AtlasOverlays *self,
                             const char    *id)
{
  return g_hash_table_lookup (self->group_index, id);
}

static double
segment_distance (const AtlasPoint *a,
                  const AtlasPoint *b,
                  double            x,
                  double            y)
{
  double dx = b->x - a->x, dy = b->y - a->y;
  double len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? CLAMP (((x - a->x) * dx + (y - a->y) * dy) / len2, 0, 1) : 0;

  return hypot (x - (a->x + t * dx), y - (a->y + t * dy));
}

/**
 * atlas_overlay_feature_hit:
 * @tolerance_px: how near the pointer must be to a line or symbol, in pixels
 *
 * Whether the world point lies in the feature as drawn at @zoom.
 */
gboolean
atlas_overlay_feature_hit (const AtlasOverlayFeature *f,
                           double                     x,
                           double                     y,
                           double                     zoom,
                           double                     tolerance_px)
{
  double scale = ATLAS_TILE_SIZE * pow (2, zoom);
  const AtlasGeomLayer *g = &f->geom[ATLAS_N_BANDS - 1];

  switch (f->shape)
    {
    case ATLAS_SHAPE_POINT:
      return hypot (x - f->anchor.x, y - f->anchor.y) * scale
             <= f->style->symbol_size / 2 + tolerance_px;

    case ATLAS_SHAPE_POLYGON:
      if (g->n_features == 0)
        return FALSE;
      return atlas_geom_layer_hit (g, x, y) != NULL;

    case ATLAS_SHAPE_LINE:
      {
        double half = tolerance_px / scale;

        if (f->band_km > 0)
          /* as drawn: at most ATLAS_BAND_MAX_PX wide */
          half += MIN (f->band_km * 500.0 / (ATLAS_EARTH_CIRCUMFERENCE_M * cos (f->anchor_lat * G_PI / 180)),
                       ATLAS_BAND_MAX_PX / 2 / scale);
        else
          half += MAX (f->style->band_width_px, f->style->stroke_width) / 2 / scale;

        if (x < f->bbox.x0 - half || x > f->bbox.x1 + half || y < f->bbox.y0 - half
            || y > f->bbox.y1 + half)
          return FALSE;
        for (guint p = 0; p < g->n_parts; p++)
          for (guint i = 1; i < g->parts[p].n_points; i++)
            if (segment_distance (&g->points[g->parts[p].first_point + i - 1],
                                  &g->points[g->parts[p].first_point + i], x, y) <= half)
              return TRUE;
        return FALSE;
      }

    default:
      return FALSE;
    }
}

/**
 * atlas_overlays_uncovered_fraction:
 *
 * The share of @inner's area that lies outside @outer (0 when @inner is
 * wholly inside), for zones; 1 when either is not a zone.
 */
double
atlas_overlays_uncovered_fraction (AtlasOverlays             *self,
                                   const AtlasOverlayFeature *inner,
                                   const AtlasOverlayFeature *outer)
{
  GEOSGeometry *diff;
  double a_diff = 0, a_inner = 0;

  if (inner->geos == NULL || outer->geos == NULL)
    return 1.0;

  diff = GEOSDifference_r (self->geos, inner->geos, outer->geos);
  if (diff == NULL)
    return 1.0;
  GEOSArea_r (self->geos, diff, &a_diff);
  GEOSArea_r (self->geos, inner->geos, &a_inner);
  GEOSGeom_destroy_r (self->geos, diff);

  return a_inner > 0 ? a_diff / a_inner : 1.0;
}

/**
 * atlas_overlays_zone_shares:
 * @layer: the base map layer that holds @unit (counties)
 * @unit: a county polygon
 * @zones: #AtlasOverlayFeature zones
 * @of_unit: (out caller-allocates): per zone, the share of @unit's area it covers
 * @of_zone: (out caller-allocates): per zone, the share of its area inside @unit
 *
 * How much of a county each zone covers; 0 for features that are not zones.
 */
void
atlas_overlays_zone_shares (AtlasOverlays        *self,
                            const AtlasGeomLayer *layer,
                            const AtlasFeature   *unit,
                            GPtrArray            *zones,
                            double               *of_unit,
                            double               *of_zone)
{
  GEOSGeometry *county = atlas_overlays_geos_from_feature (self->geos, layer, unit);
  const GEOSPreparedGeometry *prepared = county != NULL ? GEOSPrepare_r (self->geos, county) : NULL;
  double a_county = 0;

  if (county != NULL)
    GEOSArea_r (self->geos, county, &a_county);
  for (guint i = 0; i < zones->len; i++)
    {
      const AtlasOverlayFeature *z = g_ptr_array_index (zones, i);
      GEOSGeometry *cut;
      double a_cut = 0, a_zone = 0;

      of_unit[i] = of_zone[i] = 0;
      if (county == NULL || z->geos == NULL || a_county <= 0)
        continue;
      /* most zones near a county only touch it: no overlay needed */
      if (prepared != NULL && GEOSPreparedIntersects_r (self->geos, prepared, z->geos) != 1)
        continue;
      cut = GEOSIntersection_r (self->geos, county, z->geos);
      if (cut == NULL)
        continue;
      GEOSArea_r (self->geos, cut, &a_cut);
      GEOSArea_r (self->geos, z->geos, &a_zone);
      GEOSGeom_destroy_r (self->geos, cut);
      of_unit[i] = MIN (1.0, a_cut / a_county);
      of_zone[i] = a_zone > 0 ? MIN (1.0, a_cut / a_zone) : 0;
    }
  if (prepared != NULL)
    GEOSPreparedGeom_destroy_r (self->geos, prepared);
  if (county != NULL)
    GEOSGeom_destroy_r (self->geos, county);
}

#define BAND_ANCHOR_TOLERANCE 0.02   /* degrees */

/**
 * atlas_overlays_band_anchor:
 * @inner: (element-type AtlasOverlayFeature): the zones inside @outer
 * @world: (out): where to put the label
 *
 * Where to label @outer's own band, the part of it outside @inner (nested
 * circles): the centre of the largest circle that fits into that part.
 * Computed once per set; may be called from any thread.
 *
 * Returns: whether the band is a zone with an inside
 */
gboolean
atlas_overlays_band_anchor (AtlasOverlays             *self,
                            const AtlasOverlayFeature *outer,
                            GPtrArray                 *inner,
                            AtlasPoint                *world)
{
  g_autoptr(GString) key = g_string_new (outer->id);
  AtlasPoint *cached;
  gboolean ok = FALSE;

  if (outer->geos == NULL)
    return FALSE;
  for (guint i = 0; i < inner->len; i++)
    g_string_append_printf (key, " %s", ((AtlasOverlayFeature *) inner->pdata[i])->id);

  g_mutex_lock (&self->band_lock);
  cached = g_hash_table_lookup (self->band_anchors, key->str);
  if (cached == NULL)
    {
      /* a label's place needs no detail: shapes simplified to about 2 km */
      GEOSGeometry *band = GEOSSimplify_r (self->geos, outer->geos, BAND_ANCHOR_TOLERANCE);
      GEOSGeometry *mic = NULL, *centre = NULL;
      double x, y;

      for (guint i = 0; i < inner->len && band != NULL; i++)
        {
          const AtlasOverlayFeature *f = inner->pdata[i];
          GEOSGeometry *simple = f->geos != NULL ? GEOSSimplify_r (self->geos, f->geos, BAND_ANCHOR_TOLERANCE) : NULL;
          GEOSGeometry *diff = simple != NULL ? GEOSDifference_r (self->geos, band, simple) : NULL;

          if (simple != NULL)
            GEOSGeom_destroy_r (self->geos, simple);
          if (diff != NULL)
            {
              GEOSGeom_destroy_r (self->geos, band);
              band = diff;
            }
        }
      if (band != NULL && !GEOSisEmpty_r (self->geos, band))
        mic = GEOSMaximumInscribedCircle_r (self->geos, band, BAND_ANCHOR_TOLERANCE);
      if (mic != NULL)
        centre = GEOSGeomGetStartPoint_r (self->geos, mic);

      cached = g_new0 (AtlasPoint, 1);
      cached->x = cached->y = NAN;
      if (centre != NULL && GEOSGeomGetX_r (self->geos, centre, &x) && GEOSGeomGetY_r (self->geos, centre, &y))
        {
          cached->x = atlas_geo_lon_to_world_x (x);
          cached->y = atlas_geo_lat_to_world_y (y);
        }
      if (centre != NULL)
        GEOSGeom_destroy_r (self->geos, centre);
      if (mic != NULL)
        GEOSGeom_destroy_r (self->geos, mic);
      if (band != NULL)
        GEOSGeom_destroy_r (self->geos, band);
      g_hash_table_insert (self->band_anchors, g_strdup (key->str), cached);
    }
  if (!isnan (cached->x))
    {
      *world = *cached;
      ok = TRUE;
    }
  g_mutex_unlock (&self->band_lock);

  return ok;
}

static int
hit_rank (const AtlasOverlayFeature *f)
{
  return f->shape == ATLAS_SHAPE_POINT ? 0 : f->shape == ATLAS_SHAPE_LINE ? 1 : 2;
}

/**
 * atlas_overlays_hit:
 * @visibility: which layers and features are shown
 *
 * The feature under a world point among the shown ones: symbols before
 * lines before zones, and of several zones the smallest.
 *
 * Returns: (nullable) (transfer none): the feature hit
 */
AtlasOverlayFeature *
atlas_overlays_hit (AtlasOverlays   *self,
                    AtlasVisibility *visibility,
                    double           world_x,
                    double           world_y,
                    double           zoom,
                    double           tolerance_px)
{
  AtlasOverlayFeature *best = NULL;

  for (guint i = 0; i < self->features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (self->features, i);

      if (!atlas_visibility_feature_shown (visibility, f))
        continue;
      if (best != NULL && hit_rank (f) > hit_rank (best))
        continue;
      if (best != NULL && hit_rank (f) == hit_rank (best)
          && (f->shape != ATLAS_SHAPE_POLYGON || !(f->area_km2 < best->area_km2)))
        continue;
      if (atlas_overlay_feature_hit (f, world_x, world_y, zoom, tolerance_px))
        best = f;
    }

  return best;
}
