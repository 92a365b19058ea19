/* atlas-locate.c — "where does it fall": a user's feature against the plan */

#include "config.h"

#include "atlas-locate.h"

#include <geos_c.h>
#include <glib/gi18n.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <string.h>

/* Plane for distances: x = lon·cos(39.5°), y = lat, so that a degree is about
 * the same length both ways in the region; nearest points are found there and
 * measured geodesically. */
#define PLANE_K 0.7716246
#define KM_PER_DEGREE 110.574

typedef struct
{
  const AtlasOverlayFeature  *feature;
  const GEOSPreparedGeometry *prepared;
} Zone;

typedef struct
{
  const AtlasOverlayFeature *feature;
  GEOSGeometry              *plane;     /* owned */
} Mark;

struct _AtlasLocator
{
  AtlasData           *data;
  double               distance_km;
  GEOSContextHandle_t  ctx;
  GArray              *zones;        /* Zone */
  GEOSSTRtree         *zone_tree;
  GArray              *marks;        /* Mark */
  GEOSSTRtree         *mark_tree;
  GHashTable          *section_order; /* id → index + 1 */
  const AtlasGeomLayer *counties;
};

static int
to_plane_cb (double *x,
             double *y,
             void   *data)
{
  *x *= PLANE_K;
  return 1;
}

static GEOSGeometry *
line_in_plane (GEOSContextHandle_t        ctx,
               const AtlasOverlayFeature *f)
{
  const AtlasGeomLayer *g = &f->geom[ATLAS_N_BANDS - 1];
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  for (guint p = 0; p < g->n_parts; p++)
    {
      const AtlasPart *part = &g->parts[p];
      GEOSCoordSequence *seq;

      if (part->n_points < 2)
        continue;
      seq = GEOSCoordSeq_create_r (ctx, part->n_points, 2);
      for (guint i = 0; i < part->n_points; i++)
        {
          const AtlasPoint *pt = &g->points[part->first_point + i];

          GEOSCoordSeq_setXY_r (ctx, seq, i, atlas_geo_world_x_to_lon (pt->x) * PLANE_K,
                                atlas_geo_world_y_to_lat (pt->y));
        }
      g_ptr_array_add (parts, GEOSGeom_createLineString_r (ctx, seq));
    }
  if (parts->len == 0)
    return NULL;
  return GEOSGeom_createCollection_r (ctx, GEOS_MULTILINESTRING, (GEOSGeometry **) parts->pdata,
                                      parts->len);
}

static void
add_feature (AtlasLocator              *self,
             const AtlasOverlayFeature *f)
{
  if (f->layer->kind == ATLAS_OVERLAY_LABEL)
    return;
  if (f->geos != NULL)
    {
      Zone z = { f, GEOSPrepare_r (self->ctx, f->geos) };

      g_array_append_val (self->zones, z);
    }
  else if (f->shape == ATLAS_SHAPE_LINE)
    {
      Mark m = { f, line_in_plane (self->ctx, f) };

      if (m.plane != NULL)
        g_array_append_val (self->marks, m);
    }
  else if (f->shape == ATLAS_SHAPE_POINT)
    {
      Mark m = { f, GEOSGeom_createPointFromXY_r (self->ctx, f->anchor_lon * PLANE_K, f->anchor_lat) };

      g_array_append_val (self->marks, m);
    }
}

AtlasLocator *
atlas_locator_new (AtlasData *data,
                   double     distance_km)
{
  AtlasLocator *self = g_new0 (AtlasLocator, 1);
  GPtrArray *features = atlas_overlays_get_features (data->overlays);
  const AtlasSection *sections = NULL;
  guint n_sections = 0;

  self->data = atlas_data_ref (data);
  self->distance_km = distance_km;
  self->ctx = GEOS_init_r ();
  self->zones = g_array_new (FALSE, FALSE, sizeof (Zone));
  self->marks = g_array_new (FALSE, FALSE, sizeof (Mark));
  for (guint i = 0; i < features->len; i++)
    add_feature (self, g_ptr_array_index (features, i));

  /* the trees keep item pointers: insert after the arrays stop growing */
  self->zone_tree = GEOSSTRtree_create_r (self->ctx, 10);
  for (guint i = 0; i < self->zones->len; i++)
    {
      Zone *z = &g_array_index (self->zones, Zone, i);
      GEOSSTRtree_insert_r (self->ctx, self->zone_tree, z->feature->geos, z);
    }
  self->mark_tree = GEOSSTRtree_create_r (self->ctx, 10);
  for (guint i = 0; i < self->marks->len; i++)
    {
      Mark *m = &g_array_index (self->marks, Mark, i);
      GEOSSTRtree_insert_r (self->ctx, self->mark_tree, m->plane, m);
    }

  self->section_order = g_hash_table_new (g_str_hash, g_str_equal);
  if (data->plan != NULL)
    sections = atlas_plan_get_sections (data->plan, &n_sections);
  for (guint i = 0; i < n_sections; i++)
    g_hash_table_insert (self->section_order, sections[i].id, GUINT_TO_POINTER (i + 1));
  self->counties = atlas_basemap_get_layer (data->basemap, ATLAS_LAYER_COUNTIES, ATLAS_N_BANDS - 1);
  return self;
}

void
atlas_locator_free (AtlasLocator *self)
{
  if (self == NULL)
    return;
  GEOSSTRtree_destroy_r (self->ctx, self->zone_tree);
  GEOSSTRtree_destroy_r (self->ctx, self->mark_tree);
  for (guint i = 0; i < self->zones->len; i++)
    GEOSPreparedGeom_destroy_r (self->ctx, g_array_index (self->zones, Zone, i).prepared);
  for (guint i = 0; i < self->marks->len; i++)
    GEOSGeom_destroy_r (self->ctx, g_array_index (self->marks, Mark, i).plane);
  g_array_unref (self->zones);
  g_array_unref (self->marks);
  g_hash_table_unref (self->section_order);
  GEOS_finish_r (self->ctx);
  atlas_data_unref (self->data);
  g_free (self);
}

double
atlas_locator_get_distance (AtlasLocator *self)
{
  return self->distance_km;
}

void
atlas_locate_entry_free (AtlasLocateEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->name);
  g_free (entry->layer);
  g_array_unref (entry->zones);
  g_array_unref (entry->near);
  g_ptr_array_unref (entry->sections);
  g_free (entry);
}

/* ---- the queries ---- */

typedef struct
{
  AtlasLocator       *self;
  const GEOSGeometry *geom;
  AtlasLocateEntry   *entry;
  double              measure;   /* area or length of the user feature */
} Query;

static void
zone_hit_cb (void *item,
             void *data)
{
  Zone *z = item;
  Query *q = data;
  GEOSContextHandle_t ctx = q->self->ctx;
  AtlasLocateZone hit = { z->feature, 1.0 };

  if (q->entry->shape == ATLAS_USER_POINT)
    {
      if (!GEOSPreparedCovers_r (ctx, z->prepared, q->geom))
        return;
    }
  else
    {
      GEOSGeometry *inside;
      double m = 0;

      if (!GEOSPreparedIntersects_r (ctx, z->prepared, q->geom))
        return;
      if (GEOSPreparedCovers_r (ctx, z->prepared, q->geom))
        hit.share = 1.0;
      else if (q->measure > 0 && (inside = GEOSIntersection_r (ctx, z->feature->geos, q->geom)) != NULL)
        {
          if (q->entry->shape == ATLAS_USER_LINE)
            GEOSLength_r (ctx, inside, &m);
          else
            GEOSArea_r (ctx, inside, &m);
          GEOSGeom_destroy_r (ctx, inside);
          hit.share = CLAMP (m / q->measure, 0, 1);
          if (hit.share < 0.0005)
            return;   /* touches only */
        }
    }
  g_array_append_val (q->entry->zones, hit);
}

typedef struct
{
  Query              *query;
  const GEOSGeometry *plane;
} NearQuery;

static void
mark_hit_cb (void *item,
             void *data)
{
  Mark *m = item;
  NearQuery *nq = data;
  GEOSContextHandle_t ctx = nq->query->self->ctx;
  GEOSCoordSequence *seq = GEOSNearestPoints_r (ctx, nq->plane, m->plane);
  double x0, y0, x1, y1, km;
  AtlasLocateNear near;

  if (seq == NULL)
    return;
  GEOSCoordSeq_getXY_r (ctx, seq, 0, &x0, &y0);
  GEOSCoordSeq_getXY_r (ctx, seq, 1, &x1, &y1);
  GEOSCoordSeq_destroy_r (ctx, seq);
  km = atlas_geo_distance_m (x0 / PLANE_K, y0, x1 / PLANE_K, y1) / 1000.0;
  if (km > nq->query->self->distance_km)
    return;
  near.feature = m->feature;
  near.km = km;
  g_array_append_val (nq->query->entry->near, near);
}

static int
compare_near (gconstpointer a,
              gconstpointer b)
{
  double d = ((const AtlasLocateNear *) a)->km - ((const AtlasLocateNear *) b)->km;

  return d < 0 ? -1 : d > 0 ? 1 : 0;
}

static int
compare_zone (gconstpointer a,
              gconstpointer b)
{
  const AtlasOverlayFeature *fa = ((const AtlasLocateZone *) a)->feature;
  const AtlasOverlayFeature *fb = ((const AtlasLocateZone *) b)->feature;

  return (int) fa->index - (int) fb->index;
}

static void
find_near (Query *q)
{
  GEOSContextHandle_t ctx = q->self->ctx;
  GEOSGeometry *plane = GEOSGeom_transformXY_r (ctx, q->geom, to_plane_cb, NULL);
  double margin = q->self->distance_km / KM_PER_DEGREE * 1.15;
  double x0, y0, x1, y1;
  GEOSGeometry *box;
  NearQuery nq = { q, plane };

  if (plane == NULL)
    return;
  GEOSGeom_getXMin_r (ctx, plane, &x0);
  GEOSGeom_getYMin_r (ctx, plane, &y0);
  GEOSGeom_getXMax_r (ctx, plane, &x1);
  GEOSGeom_getYMax_r (ctx, plane, &y1);
  box = GEOSGeom_createRectangle_r (ctx, x0 - margin, y0 - margin, x1 + margin, y1 + margin);
  GEOSSTRtree_query_r (ctx, q->self->mark_tree, box, mark_hit_cb, &nq);
  GEOSGeom_destroy_r (ctx, box);
  GEOSGeom_destroy_r (ctx, plane);
  g_array_sort (q->entry->near, compare_near);
}

/* One entry per name: the plan draws some lines in two layers (a corridor
 * as structure and as transport); the nearest stays. After the sections are
 * collected, so that both features' sections count. */
static void
merge_same_names (AtlasLocateEntry *entry)
{
  for (guint i = entry->near->len; i-- > 1;)
    for (guint k = 0; k < i; k++)
      if (g_str_equal (g_array_index (entry->near, AtlasLocateNear, i).feature->name_zh,
                       g_array_index (entry->near, AtlasLocateNear, k).feature->name_zh))
        {
          g_array_remove_index (entry->near, i);
          break;
        }
}

static void
add_section (AtlasLocator     *self,
             AtlasLocateEntry *entry,
             GHashTable       *seen,
             const char       *id)
{
  const AtlasSection *s;

  if (self->data->plan == NULL || g_hash_table_contains (seen, id))
    return;
  g_hash_table_add (seen, (gpointer) id);
  if ((s = atlas_plan_lookup (self->data->plan, id)) != NULL)
    g_ptr_array_add (entry->sections, (gpointer) s);
}

static GHashTable *sort_order;   /* only during the sort below, under the lock */
G_LOCK_DEFINE_STATIC (sort_order);

static int
compare_sections (gconstpointer a,
                  gconstpointer b)
{
  const AtlasSection *sa = *(const AtlasSection * const *) a;
  const AtlasSection *sb = *(const AtlasSection * const *) b;

  return (int) GPOINTER_TO_UINT (g_hash_table_lookup (sort_order, sa->id))
         - (int) GPOINTER_TO_UINT (g_hash_table_lookup (sort_order, sb->id));
}

static void
collect_sections (AtlasLocator     *self,
                  AtlasLocateEntry *entry)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < entry->zones->len; i++)
    {
      const AtlasOverlayFeature *f = g_array_index (entry->zones, AtlasLocateZone, i).feature;
      for (guint k = 0; f->plan_refs != NULL && f->plan_refs[k] != NULL; k++)
        add_section (self, entry, seen, f->plan_refs[k]);
    }
  for (guint i = 0; i < entry->near->len; i++)
    {
      const AtlasOverlayFeature *f = g_array_index (entry->near, AtlasLocateNear, i).feature;
      for (guint k = 0; f->plan_refs != NULL && f->plan_refs[k] != NULL; k++)
        add_section (self, entry, seen, f->plan_refs[k]);
    }
  G_LOCK (sort_order);
  sort_order = self->section_order;
  g_ptr_array_sort (entry->sections, compare_sections);
  sort_order = NULL;
  G_UNLOCK (sort_order);
}

static void
find_county (AtlasLocator     *self,
             AtlasLocateEntry *entry,
             const GEOSGeometry *geom)
{
  GEOSContextHandle_t ctx = self->ctx;
  GEOSGeometry *point = entry->shape == ATLAS_USER_POINT && GEOSGeomTypeId_r (ctx, geom) == GEOS_POINT
                        ? NULL : GEOSPointOnSurface_r (ctx, geom);
  const AtlasFeature *hit;

  if (point != NULL)
    {
      GEOSGeomGetX_r (ctx, point, &entry->lon);
      GEOSGeomGetY_r (ctx, point, &entry->lat);
      GEOSGeom_destroy_r (ctx, point);
    }
  else
    {
      GEOSGeomGetX_r (ctx, geom, &entry->lon);
      GEOSGeomGetY_r (ctx, geom, &entry->lat);
    }
  hit = atlas_geom_layer_hit (self->counties, atlas_geo_lon_to_world_x (entry->lon),
                              atlas_geo_lat_to_world_y (entry->lat));
  if (hit != NULL)
    entry->county = atlas_basemap_lookup_county (self->data->basemap, hit->code);
}

AtlasLocateEntry *
atlas_locator_locate (AtlasLocator   *self,
                      const char     *name,
                      const char     *layer,
                      AtlasUserShape  shape,
                      gconstpointer   geos_geometry)
{
  const GEOSGeometry *geom = geos_geometry;
  AtlasLocateEntry *entry = g_new0 (AtlasLocateEntry, 1);
  Query q = { self, geom, entry, 0 };

  entry->name = g_strdup (name);
  entry->layer = g_strdup (layer);
  entry->shape = shape;
  entry->zones = g_array_new (FALSE, FALSE, sizeof (AtlasLocateZone));
  entry->near = g_array_new (FALSE, FALSE, sizeof (AtlasLocateNear));
  entry->sections = g_ptr_array_new ();
  if (geom == NULL || GEOSisEmpty_r (self->ctx, geom))
    return entry;

  if (shape == ATLAS_USER_LINE)
    GEOSLength_r (self->ctx, geom, &q.measure);
  else if (shape == ATLAS_USER_POLYGON || shape == ATLAS_USER_MIXED)
    GEOSArea_r (self->ctx, geom, &q.measure);
  find_county (self, entry, geom);
  GEOSSTRtree_query_r (self->ctx, self->zone_tree, geom, zone_hit_cb, &q);
  g_array_sort (entry->zones, compare_zone);
  find_near (&q);
  collect_sections (self, entry);
  merge_same_names (entry);
  return entry;
}

GPtrArray *
atlas_locator_locate_all (AtlasLocator  *self,
                          AtlasUserData *user_data)
{
  GPtrArray *out = g_ptr_array_new_with_free_func ((GDestroyNotify) atlas_locate_entry_free);

  for (guint l = 0; l < user_data->layers->len; l++)
    {
      AtlasUserLayer *layer = g_ptr_array_index (user_data->layers, l);

      for (guint i = 0; i < layer->features->len; i++)
        {
          AtlasUserFeature *f = g_ptr_array_index (layer->features, i);
          g_ptr_array_add (out, atlas_locator_locate (self, f->name, layer->name, f->shape, f->geos));
        }
    }
  return out;
}

/* ---- reports ---- */

static const char *
shape_label (AtlasUserShape shape)
{
  switch (shape)
    {
    case ATLAS_USER_POINT: return _("point");
    case ATLAS_USER_LINE: return _("line");
    case ATLAS_USER_POLYGON: return _("polygon");
    default: return _("mixed");
    }
}

static char *
county_text (const AtlasCounty *c)
{
  if (c == NULL)
    return g_strdup (_("outside Beijing, Tianjin and Hebei"));
  if (c->prefecture_zh != NULL && *c->prefecture_zh != '\0' && c->prefecture_code != c->code
      && g_strcmp0 (c->prefecture_zh, c->province_zh) != 0)
    return g_strdup_printf ("%s（%s · %s）", c->name_zh, c->prefecture_zh, c->province_zh);
  return g_strdup_printf ("%s（%s）", c->name_zh, c->province_zh);
}

static char *
zone_text (const AtlasLocateEntry *e,
           const AtlasLocateZone  *z)
{
  if (e->shape == ATLAS_USER_POINT || z->share >= 0.9995)
    return g_strdup (z->feature->name_zh);
  return g_strdup_printf ("%s (%.1f%%)", z->feature->name_zh, z->share * 100);
}

static void
append_list (GString    *s,
             const char *sep,
             GPtrArray  *items)
{
  for (guint i = 0; i < items->len; i++)
    {
      if (i > 0)
        g_string_append (s, sep);
      g_string_append (s, items->pdata[i]);
    }
}

static GPtrArray *
entry_lists (const AtlasLocateEntry *e,
             int                     which)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);

  if (which == 0)
    for (guint i = 0; i < e->zones->len; i++)
      g_ptr_array_add (out, zone_text (e, &g_array_index (e->zones, AtlasLocateZone, i)));
  else if (which == 1)
    for (guint i = 0; i < e->near->len; i++)
      {
        const AtlasLocateNear *n = &g_array_index (e->near, AtlasLocateNear, i);
        g_ptr_array_add (out, g_strdup_printf ("%s %.1f km", n->feature->name_zh, n->km));
      }
  else
    for (guint i = 0; i < e->sections->len; i++)
      {
        const AtlasSection *s = e->sections->pdata[i];
        g_ptr_array_add (out, g_strdup_printf ("%s %s", s->id, s->title_zh ? s->title_zh : ""));
      }
  return out;
}

char *
atlas_locate_report_text (GPtrArray *entries,
                          double     distance_km)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < entries->len; i++)
    {
      const AtlasLocateEntry *e = entries->pdata[i];
      g_autofree char *county = county_text (e->county);
      g_autoptr(GPtrArray) zones = entry_lists (e, 0);
      g_autoptr(GPtrArray) near = entry_lists (e, 1);
      g_autoptr(GPtrArray) sections = entry_lists (e, 2);

      g_string_append_printf (s, "%s (%s, %.5f, %.5f)\n", e->name, shape_label (e->shape), e->lon, e->lat);
      g_string_append_printf (s, "  %s: %s\n", _("county"), county);
      g_string_append_printf (s, "  %s: ", _("in"));
      append_list (s, "; ", zones);
      if (zones->len == 0)
        g_string_append (s, _("no plan zone"));
      g_string_append_printf (s, "\n  ");
      g_string_append_printf (s, _("within %g km"), distance_km);
      g_string_append (s, ": ");
      append_list (s, "; ", near);
      if (near->len == 0)
        g_string_append (s, "—");
      g_string_append_printf (s, "\n  %s:\n", _("plan sections"));
      for (guint k = 0; k < sections->len; k++)
        g_string_append_printf (s, "    %s\n", (char *) sections->pdata[k]);
    }
  return g_string_free (s, FALSE);
}

/* {"id": …, "name_zh": …, @key: @value} for a plan feature */
static void
add_feature_value (JsonBuilder               *b,
                   const AtlasOverlayFeature *feature,
                   const char                *key,
                   double                     value)
{
  json_builder_begin_object (b);
  json_builder_set_member_name (b, "id");
  json_builder_add_string_value (b, feature->id);
  json_builder_set_member_name (b, "name_zh");
  json_builder_add_string_value (b, feature->name_zh);
  json_builder_set_member_name (b, key);
  json_builder_add_double_value (b, value);
  json_builder_end_object (b);
}

char *
atlas_locate_report_json (GPtrArray *entries,
                          double     distance_km)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  g_autoptr(JsonGenerator) gen = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;

  json_builder_begin_object (b);
  json_builder_set_member_name (b, "distance_km");
  json_builder_add_double_value (b, distance_km);
  json_builder_set_member_name (b, "features");
  json_builder_begin_array (b);
  for (guint i = 0; i < entries->len; i++)
    {
      const AtlasLocateEntry *e = entries->pdata[i];

      json_builder_begin_object (b);
      json_builder_set_member_name (b, "name");
      json_builder_add_string_value (b, e->name);
      json_builder_set_member_name (b, "layer");
      json_builder_add_string_value (b, e->layer);
      json_builder_set_member_name (b, "kind");
      json_builder_add_string_value (b, atlas_user_shape_to_string (e->shape));
      json_builder_set_member_name (b, "lon");
      json_builder_add_double_value (b, round (e->lon * 1e6) / 1e6);
      json_builder_set_member_name (b, "lat");
      json_builder_add_double_value (b, round (e->lat * 1e6) / 1e6);
      json_builder_set_member_name (b, "county");
      if (e->county != NULL)
        {
          g_autofree char *code = g_strdup_printf ("%u", e->county->code);

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "code");
          json_builder_add_string_value (b, code);
          json_builder_set_member_name (b, "name_zh");
          json_builder_add_string_value (b, e->county->name_zh);
          json_builder_set_member_name (b, "prefecture_zh");
          json_builder_add_string_value (b, e->county->prefecture_zh);
          json_builder_set_member_name (b, "province_zh");
          json_builder_add_string_value (b, e->county->province_zh);
          json_builder_end_object (b);
        }
      else
        json_builder_add_null_value (b);
      json_builder_set_member_name (b, "zones");
      json_builder_begin_array (b);
      for (guint k = 0; k < e->zones->len; k++)
        {
          const AtlasLocateZone *z = &g_array_index (e->zones, AtlasLocateZone, k);

          add_feature_value (b, z->feature, "share", round (z->share * 10000) / 10000);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "nearby");
      json_builder_begin_array (b);
      for (guint k = 0; k < e->near->len; k++)
        {
          const AtlasLocateNear *n = &g_array_index (e->near, AtlasLocateNear, k);

          add_feature_value (b, n->feature, "km", round (n->km * 100) / 100);
        }
      json_builder_end_array (b);
      json_builder_set_member_name (b, "sections");
      json_builder_begin_array (b);
      for (guint k = 0; k < e->sections->len; k++)
        {
          const AtlasSection *sec = e->sections->pdata[k];

          json_builder_begin_object (b);
          json_builder_set_member_name (b, "id");
          json_builder_add_string_value (b, sec->id);
          json_builder_set_member_name (b, "title_zh");
          json_builder_add_string_value (b, sec->title_zh);
          json_builder_end_object (b);
        }
      json_builder_end_array (b);
      json_builder_end_object (b);
    }
  json_builder_end_array (b);
  json_builder_end_object (b);
  root = json_builder_get_root (b);
  json_generator_set_root (gen, root);
  json_generator_set_pretty (gen, TRUE);
  return json_generator_to_data (gen, NULL);
}

static void
append_csv_field (GString    *s,
                  const char *text,
                  gboolean    last)
{
  if (strpbrk (text, ",\"\n\r") != NULL)
    {
      g_string_append_c (s, '"');
      for (const char *p = text; *p != '\0'; p++)
        {
          if (*p == '"')
            g_string_append_c (s, '"');
          g_string_append_c (s, *p);
        }
      g_string_append_c (s, '"');
    }
  else
    g_string_append (s, text);
  g_string_append (s, last ? "\r\n" : ",");
}

char *
atlas_locate_report_csv (GPtrArray *entries)
{
  GString *s = g_string_new ("name,layer,kind,lon,lat,county,prefecture,province,zones,nearby_km,sections\r\n");

  for (guint i = 0; i < entries->len; i++)
    {
      const AtlasLocateEntry *e = entries->pdata[i];
      g_autoptr(GPtrArray) zones = entry_lists (e, 0);
      g_autoptr(GPtrArray) near = entry_lists (e, 1);
      g_autoptr(GString) z = g_string_new (NULL);
      g_autoptr(GString) n = g_string_new (NULL);
      g_autoptr(GString) sec = g_string_new (NULL);
      char lon[G_ASCII_DTOSTR_BUF_SIZE], lat[G_ASCII_DTOSTR_BUF_SIZE];

      append_list (z, "; ", zones);
      append_list (n, "; ", near);
      for (guint k = 0; k < e->sections->len; k++)
        g_string_append_printf (sec, "%s%s", k > 0 ? "; " : "",
                                ((const AtlasSection *) e->sections->pdata[k])->id);
      append_csv_field (s, e->name, FALSE);
      append_csv_field (s, e->layer != NULL ? e->layer : "", FALSE);
      append_csv_field (s, atlas_user_shape_to_string (e->shape), FALSE);
      append_csv_field (s, g_ascii_formatd (lon, sizeof lon, "%.6f", e->lon), FALSE);
      append_csv_field (s, g_ascii_formatd (lat, sizeof lat, "%.6f", e->lat), FALSE);
      append_csv_field (s, e->county != NULL ? e->county->name_zh : "", FALSE);
      append_csv_field (s, e->county != NULL ? e->county->prefecture_zh : "", FALSE);
      append_csv_field (s, e->county != NULL ? e->county->province_zh : "", FALSE);
      append_csv_field (s, z->str, FALSE);
      append_csv_field (s, n->str, FALSE);
      append_csv_field (s, sec->str, TRUE);
    }
  return g_string_free (s, FALSE);
}
