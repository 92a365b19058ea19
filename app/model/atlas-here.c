/* atlas-here.c — "what is here": everything under a point of the map */

#include "atlas-here.h"

#include <math.h>

#include "atlas-geo.h"
#include "atlas-overlays-json.h"
#include "atlas-visibility.h"

typedef struct
{
  AtlasEntity *entity;
  double       size;    /* km²; 0 for lines and points */
  guint        order;   /* ties: features in layer order, then counties */
} HereItem;

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const HereItem *x = a, *y = b;

  if (x->size != y->size)
    return x->size < y->size ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

static double
feature_size (const AtlasOverlayFeature *f)
{
  return f->shape == ATLAS_SHAPE_POLYGON && !isnan (f->area_km2) ? f->area_km2 : 0;
}

/* The counties at the point; on a border (within the tolerance) both. */
static void
add_counties (GArray         *items,
              AtlasPlanIndex *index,
              AtlasData      *data,
              double          x,
              double          y,
              double          radius)
{
  const AtlasGeomLayer *g = atlas_basemap_get_layer (data->basemap, ATLAS_LAYER_COUNTIES, ATLAS_N_BANDS - 1);
  const double probes[5][2] = { { 0, 0 }, { 1, 0 }, { -1, 0 }, { 0, 1 }, { 0, -1 } };
  guint32 seen[5] = { 0 };

  for (guint p = 0; p < G_N_ELEMENTS (probes); p++)
    {
      const AtlasFeature *county = atlas_geom_layer_hit (g, x + probes[p][0] * radius,
                                                         y + probes[p][1] * radius);
      AtlasEntity *e;
      gboolean dup = FALSE;

      if (county == NULL)
        continue;
      for (guint k = 0; k < p; k++)
        dup |= seen[k] == county->code;
      seen[p] = county->code;
      if (dup || (e = atlas_plan_index_get_county (index, county->code)) == NULL)
        continue;
      {
        double stated;
        double area = atlas_entity_area_km2 (e, &stated);
        /* the county under the point itself before one across a border */
        HereItem item = { e, isnan (area) ? 0 : area, G_MAXUINT - 5 + p };

        g_array_append_val (items, item);
      }
    }
}

/**
 * atlas_here_list:
 * @visibility: (nullable): the layers and features shown; %NULL for every one
 * @tolerance_px: how near, in pixels at @zoom, a line or point may pass
 *
 * Returns: (transfer container): #AtlasEntity, smallest first: points and
 * lines, then zones and counties by area
 */
GPtrArray *
atlas_here_list (AtlasPlanIndex  *index,
                 AtlasData       *data,
                 AtlasVisibility *visibility,
                 double           longitude,
                 double           latitude,
                 double           zoom,
                 double           tolerance_px)
{
  g_autoptr(GArray) items = g_array_new (FALSE, FALSE, sizeof (HereItem));
  GPtrArray *out = g_ptr_array_new ();
  GPtrArray *features = atlas_overlays_get_features (data->overlays);
  double x = atlas_geo_lon_to_world_x (longitude), y = atlas_geo_lat_to_world_y (latitude);

  for (guint i = 0; i < features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (features, i);
      HereItem item;

      if (visibility != NULL && !atlas_visibility_feature_shown (visibility, f))
        continue;
      if (!atlas_overlay_feature_hit (f, x, y, zoom, tolerance_px))
        continue;
      item.entity = atlas_plan_index_get_feature (index, f);
      item.size = feature_size (f);
      item.order = i;
      if (item.entity != NULL)
        g_array_append_val (items, item);
    }
  add_counties (items, index, data, x, y, tolerance_px / (ATLAS_TILE_SIZE * pow (2, zoom)));

  g_array_sort (items, compare_items);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (out, g_array_index (items, HereItem, i).entity);
  return out;
}

/* The plan's sections for an entity: a feature's own references, else the
 * sections of the passages that mention it. */
static GPtrArray *
entity_sections (AtlasEntity *e)
{
  GPtrArray *out = g_ptr_array_new ();

  if (e->kind == ATLAS_ENTITY_FEATURE)
    {
      const AtlasOverlayFeature *f = e->ref;

      for (guint i = 0; f->plan_refs != NULL && f->plan_refs[i] != NULL; i++)
        g_ptr_array_add (out, f->plan_refs[i]);
      return out;
    }
  for (guint i = 0; i < e->mentions->len; i++)
    {
      AtlasMention *m = g_ptr_array_index (e->mentions, i);

      if (!g_ptr_array_find_with_equal_func (out, m->section->id, g_str_equal, NULL))
        g_ptr_array_add (out, m->section->id);
    }
  return out;
}

static const char *
entity_layer_id (AtlasEntity *e)
{
  return e->kind == ATLAS_ENTITY_FEATURE ? ((const AtlasOverlayFeature *) e->ref)->layer->id : "counties";
}

/* One line per entity: kind, layer, names, context, area, sections. */
char *
atlas_here_to_text (GPtrArray      *entities,
                    double          longitude,
                    double          latitude)
{
  GString *s = g_string_new (NULL);

  g_string_append_printf (s, "%.5f,%.5f\n", latitude, longitude);
  for (guint i = 0; i < entities->len; i++)
    {
      AtlasEntity *e = g_ptr_array_index (entities, i);
      g_autoptr(GPtrArray) sections = entity_sections (e);
      double stated, area = atlas_entity_area_km2 (e, &stated);

      g_string_append_printf (s, "%-8s %-28s %s %s (%s)", atlas_entity_kind_to_string (e->kind),
                              entity_layer_id (e), e->name_zh, e->name_en, e->context);
      if (!isnan (area))
        g_string_append_printf (s, " %.0f km²", area);
      if (sections->len > 0)
        {
          g_string_append (s, " §");
          for (guint k = 0; k < sections->len; k++)
            g_string_append_printf (s, "%s%s", k > 0 ? "," : " ", (char *) sections->pdata[k]);
        }
      g_string_append_c (s, '\n');
    }
  return g_string_free (s, FALSE);
}

char *
atlas_here_to_json (GPtrArray      *entities,
                    double          longitude,
                    double          latitude)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "latitude");
  json_builder_add_double_value (b, latitude);
  json_builder_set_member_name (b, "longitude");
  json_builder_add_double_value (b, longitude);
  json_builder_set_member_name (b, "here");
  json_builder_begin_array (b);
  for (guint i = 0; i < entities->len; i++)
    {
      AtlasEntity *e = g_ptr_array_index (entities, i);
      g_autoptr(GPtrArray) sections = entity_sections (e);
      double stated, area = atlas_entity_area_km2 (e, &stated);

      json_builder_begin_object (b);
      atlas_json_add_string (b, "kind", atlas_entity_kind_to_string (e->kind));
      atlas_json_add_string (b, "id", e->id);
      atlas_json_add_string (b, "layer", entity_layer_id (e));
      atlas_json_add_string (b, "name_zh", e->name_zh);
      atlas_json_add_string (b, "name_en", e->name_en);
      atlas_json_add_string (b, "context", e->context);
      json_builder_set_member_name (b, "area_km2");
      if (isnan (area))
        json_builder_add_null_value (b);
      else
        json_builder_add_double_value (b, round (area * 10) / 10);
      json_builder_set_member_name (b, "sections");
      json_builder_begin_array (b);
      for (guint k = 0; k < sections->len; k++)
        json_builder_add_string_value (b, sections->pdata[k]);
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  return atlas_json_builder_to_string (b, TRUE);
}
