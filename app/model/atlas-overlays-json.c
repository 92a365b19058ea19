/* atlas-overlays-json.c — the overlay layers as JSON and GeoJSON
 *
 * The listing (--list-layers --json) and the GeoJSON export
 * (--export-geojson) share the feature properties: id, names, group,
 * layer, class, geometry kind, plan_refs, schematic, computed and stated
 * area, member counties. GeoJSON follows RFC 7946: WGS84 lon/lat, polygons
 * with counter-clockwise shells and clockwise holes.
 */

#include "atlas-overlays-json.h"

#include <geos_c.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

#include "atlas-safe-file.h"
#include "atlas-visibility.h"

/* A member whose value is a string. */
void
atlas_json_add_string (JsonBuilder *b,
                       const char  *name,
                       const char  *value)
{
  json_builder_set_member_name (b, name);
  json_builder_add_string_value (b, value);
}

static void
add_string_array (JsonBuilder  *b,
                  const char   *name,
                  char * const *strings)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; strings != NULL && strings[i] != NULL; i++)
    json_builder_add_string_value (b, strings[i]);
  json_builder_end_array (b);
}

static void
add_codes (JsonBuilder *b,
           const char  *name,
           GArray      *codes)
{
  json_builder_set_member_name (b, name);
  json_builder_begin_array (b);
  for (guint i = 0; codes != NULL && i < codes->len; i++)
    {
      char text[16];

      g_snprintf (text, sizeof text, "%06u", g_array_index (codes, guint32, i));
      json_builder_add_string_value (b, text);
    }
  json_builder_end_array (b);
}

static void
add_number_or_null (JsonBuilder *b,
                    const char  *name,
                    double       value,
                    double       rounding)
{
  json_builder_set_member_name (b, name);
  if (isnan (value))
    json_builder_add_null_value (b);
  else
    json_builder_add_double_value (b, round (value / rounding) * rounding);
}

static const char *
shape_name (AtlasShape shape)
{
  switch (shape)
    {
    case ATLAS_SHAPE_POLYGON:
      return "zone";
    case ATLAS_SHAPE_LINE:
      return "line";
    case ATLAS_SHAPE_POINT:
    default:
      return "point";
    }
}

/* The properties shared by the listing and the GeoJSON export. */
static void
add_feature_properties (JsonBuilder               *b,
                        const AtlasOverlayFeature *f)
{
  atlas_json_add_string (b, "id", f->id);
  atlas_json_add_string (b, "name_zh", f->name_zh);
  atlas_json_add_string (b, "name_en", f->name_en);
  atlas_json_add_string (b, "group", f->layer->group->id);
  atlas_json_add_string (b, "layer", f->layer->id);
  atlas_json_add_string (b, "class", f->style->id);
  atlas_json_add_string (b, "class_name_en", f->style->name_en);
  atlas_json_add_string (b, "geometry_source", atlas_geometry_source_to_string (f->source));
  atlas_json_add_string (b, "geometry_kind", shape_name (f->shape));
  add_string_array (b, "plan_refs", f->plan_refs);
  json_builder_set_member_name (b, "schematic");
  json_builder_add_boolean_value (b, f->schematic);
  add_number_or_null (b, "area_km2", f->area_km2, 0.1);
  add_number_or_null (b, "stated_area_km2", f->stated_area_km2, 0.1);
  if (f->band_km > 0)
    {
      json_builder_set_member_name (b, "band_km");
      json_builder_add_double_value (b, f->band_km);
    }
  if (f->shape == ATLAS_SHAPE_POLYGON && f->source == ATLAS_SOURCE_COUNTIES)
    {
      add_codes (b, "counties", f->counties);
      add_codes (b, "partial_counties", f->partial_counties);
    }
  if (f->note != NULL)
    {
      atlas_json_add_string (b, "note", f->note);
    }
}

/* JSON has no inf or nan: a figure that is not finite becomes null. */
static void
replace_non_finite (JsonNode *node)
{
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_DOUBLE
      && !isfinite (json_node_get_double (node)))
    json_node_init_null (node);
  else if (JSON_NODE_HOLDS_ARRAY (node))
    {
      JsonArray *array = json_node_get_array (node);

      for (guint i = 0; i < json_array_get_length (array); i++)
        replace_non_finite (json_array_get_element (array, i));
    }
  else if (JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObjectIter iter;
      JsonNode *member;

      json_object_iter_init (&iter, json_node_get_object (node));
      while (json_object_iter_next (&iter, NULL, &member))
        replace_non_finite (member);
    }
}

/**
 * atlas_json_builder_to_string:
 *
 * Returns: (transfer full): the builder's document as text, with figures
 *   that are not finite written as null
 */
char *
atlas_json_builder_to_string (JsonBuilder *b,
                              gboolean     pretty)
{
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = json_builder_get_root (b);

  replace_non_finite (root);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, pretty);
  json_generator_set_indent (gen, 1);
  return json_generator_to_data (gen, NULL);
}

/**
 * atlas_overlays_to_json_listing:
 *
 * Returns: (transfer full): groups → layers → features, as JSON
 */
char *
atlas_overlays_to_json_listing (AtlasOverlays *overlays)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GPtrArray *groups = atlas_overlays_get_groups (overlays);

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "groups");
  json_builder_begin_array (b);
  for (guint g = 0; g < groups->len; g++)
    {
      AtlasOverlayGroup *group = g_ptr_array_index (groups, g);

      json_builder_begin_object (b);
      atlas_json_add_string (b, "id", group->id);
      atlas_json_add_string (b, "name_zh", group->name_zh);
      atlas_json_add_string (b, "name_en", group->name_en);
      add_string_array (b, "plan_refs", group->plan_refs);
      json_builder_set_member_name (b, "layers");
      json_builder_begin_array (b);
      for (guint l = 0; l < group->layers->len; l++)
        {
          AtlasOverlayLayer *layer = g_ptr_array_index (group->layers, l);

          json_builder_begin_object (b);
          atlas_json_add_string (b, "id", layer->id);
          atlas_json_add_string (b, "name_zh", layer->name_zh);
          atlas_json_add_string (b, "name_en", layer->name_en);
          atlas_json_add_string (b, "kind", atlas_overlay_kind_to_string (layer->kind));
          add_string_array (b, "plan_refs", layer->plan_refs);
          json_builder_set_member_name (b, "features");
          json_builder_begin_array (b);
          for (guint i = 0; i < layer->features->len; i++)
            {
              json_builder_begin_object (b);
              add_feature_properties (b, g_ptr_array_index (layer->features, i));
              json_builder_end_object (b);
            }
          json_builder_end_array (b);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  return atlas_json_builder_to_string (b, TRUE);
}

/**
 * atlas_overlays_to_text_listing:
 *
 * Returns: (transfer full): one line per group, layer and feature
 */
char *
atlas_overlays_to_text_listing (AtlasOverlays *overlays)
{
  GString *s = g_string_new (NULL);
  GPtrArray *groups = atlas_overlays_get_groups (overlays);

  for (guint g = 0; g < groups->len; g++)
    {
      AtlasOverlayGroup *group = g_ptr_array_index (groups, g);

      g_string_append_printf (s, "%s\t%s %s\n", group->id, group->name_zh, group->name_en);
      for (guint l = 0; l < group->layers->len; l++)
        {
          AtlasOverlayLayer *layer = g_ptr_array_index (group->layers, l);

          g_string_append_printf (s, "  %s\t%s %s\n", layer->id, layer->name_zh, layer->name_en);
          for (guint i = 0; i < layer->features->len; i++)
            {
              AtlasOverlayFeature *f = g_ptr_array_index (layer->features, i);
              g_autofree char *refs = g_strjoinv (",", f->plan_refs);

              g_string_append_printf (s, "    %s\t%s\t%s\t%s", f->id, f->name_zh, shape_name (f->shape), refs);
              if (!isnan (f->area_km2))
                g_string_append_printf (s, "\t%.0f km²", f->area_km2);
              if (!isnan (f->stated_area_km2))
                g_string_append_printf (s, " (plan %.0f)", f->stated_area_km2);
              if (f->schematic)
                g_string_append (s, "\tschematic");
              g_string_append_c (s, '\n');
            }
        }
    }
  return g_string_free (s, FALSE);
}

/* GeoJSON geometry */

static void
add_position (JsonBuilder *b,
              double       lon,
              double       lat)
{
  json_builder_begin_array (b);
  json_builder_add_double_value (b, round (lon * 1e6) / 1e6);
  json_builder_add_double_value (b, round (lat * 1e6) / 1e6);
  json_builder_end_array (b);
}

static void
add_ring (JsonBuilder         *b,
          GEOSContextHandle_t  ctx,
          const GEOSGeometry  *ring,
          gboolean             want_ccw)
{
  const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r (ctx, ring);
  unsigned int n = 0;
  char ccw = 0;

  GEOSCoordSeq_getSize_r (ctx, seq, &n);
  GEOSCoordSeq_isCCW_r (ctx, seq, &ccw);
  json_builder_begin_array (b);
  for (unsigned int k = 0; k < n; k++)
    {
      unsigned int i = (!!ccw == !!want_ccw) ? k : n - 1 - k;
      double x, y;

      GEOSCoordSeq_getXY_r (ctx, seq, i, &x, &y);
      add_position (b, x, y);
    }
  json_builder_end_array (b);
}

static void
add_polygons (JsonBuilder         *b,
              GEOSContextHandle_t  ctx,
              const GEOSGeometry  *geom)
{
  int n = GEOSGetNumGeometries_r (ctx, geom);

  for (int i = 0; i < n; i++)
    {
      const GEOSGeometry *poly = GEOSGetGeometryN_r (ctx, geom, i);

      if (GEOSGeomTypeId_r (ctx, poly) == GEOS_MULTIPOLYGON
          || GEOSGeomTypeId_r (ctx, poly) == GEOS_GEOMETRYCOLLECTION)
        {
          add_polygons (b, ctx, poly);
          continue;
        }
      if (GEOSGeomTypeId_r (ctx, poly) != GEOS_POLYGON || GEOSisEmpty_r (ctx, poly))
        continue;

      json_builder_begin_array (b);
      add_ring (b, ctx, GEOSGetExteriorRing_r (ctx, poly), TRUE);
      for (int h = 0; h < GEOSGetNumInteriorRings_r (ctx, poly); h++)
        add_ring (b, ctx, GEOSGetInteriorRingN_r (ctx, poly, h), FALSE);
      json_builder_end_array (b);
    }
}

static void
add_geometry (JsonBuilder               *b,
              GEOSContextHandle_t        ctx,
              const AtlasOverlayFeature *f)
{
  const AtlasGeomLayer *g = &f->geom[ATLAS_N_BANDS - 1];

  json_builder_set_member_name (b, "geometry");
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "type");

  switch (f->shape)
    {
    case ATLAS_SHAPE_POLYGON:
      json_builder_add_string_value (b, "MultiPolygon");
      json_builder_set_member_name (b, "coordinates");
      json_builder_begin_array (b);
      add_polygons (b, ctx, f->geos);
      json_builder_end_array (b);
      break;

    case ATLAS_SHAPE_LINE:
      json_builder_add_string_value (b, "MultiLineString");
      json_builder_set_member_name (b, "coordinates");
      json_builder_begin_array (b);
      for (guint p = 0; p < g->n_parts; p++)
        {
          json_builder_begin_array (b);
          for (guint k = 0; k < g->parts[p].n_points; k++)
            {
              const AtlasPoint *pt = &g->points[g->parts[p].first_point + k];
              add_position (b, atlas_geo_world_x_to_lon (pt->x), atlas_geo_world_y_to_lat (pt->y));
            }
          json_builder_end_array (b);
        }
      json_builder_end_array (b);
      break;

    case ATLAS_SHAPE_POINT:
    default:
      json_builder_add_string_value (b, "Point");
      json_builder_set_member_name (b, "coordinates");
      add_position (b, f->anchor_lon, f->anchor_lat);
      break;
    }
  json_builder_end_object (b);
}

/**
 * atlas_overlays_to_geojson:
 * @visibility: the layers to export
 *
 * Returns: (transfer full): an RFC 7946 FeatureCollection
 */
char *
atlas_overlays_to_geojson (AtlasOverlays   *overlays,
                           AtlasVisibility *visibility)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  GPtrArray *features = atlas_overlays_get_features (overlays);
  GEOSContextHandle_t ctx = GEOS_init_r ();
  char *text;

  json_builder_begin_object (b);
  atlas_json_add_string (b, "type", "FeatureCollection");
  json_builder_set_member_name (b, "features");
  json_builder_begin_array (b);
  for (guint i = 0; i < features->len; i++)
    {
      const AtlasOverlayFeature *f = g_ptr_array_index (features, i);

      if (!atlas_visibility_layer_visible (visibility, f->layer))
        continue;
      json_builder_begin_object (b);
      atlas_json_add_string (b, "type", "Feature");
      atlas_json_add_string (b, "id", f->id);
      add_geometry (b, ctx, f);
      json_builder_set_member_name (b, "properties");
      json_builder_begin_object (b);
      add_feature_properties (b, f);
      json_builder_end_object (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);

  text = atlas_json_builder_to_string (b, FALSE);
  GEOS_finish_r (ctx);
  return text;
}

/**
 * atlas_write_file_atomically:
 *
 * Writes to a temporary file beside @path and renames it, so that @path
 * holds either its old contents or all of the new ones, never a part
 * (see atlas-safe-file.h for links, permissions and what is refused).
 */
gboolean
atlas_write_file_atomically (const char  *path,
                             const char  *contents,
                             GError     **error)
{
  return atlas_safe_file_replace_contents (path, contents, strlen (contents), error);
}
