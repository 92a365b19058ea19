/* atlas-overlays.c — the plan's overlay layers (maps/layers/GROUP.json) */

#include "atlas-overlays.h"

#include <geos_c.h>
#include <json-glib/json-glib.h>
#include <math.h>
#include <stdarg.h>

#define EARTH_CIRCUMFERENCE_M 40075016.686

struct _AtlasOverlays
{
  GObject             parent_instance;

  GEOSContextHandle_t geos;
  GPtrArray          *groups;     /* AtlasOverlayGroup, owned */
  GPtrArray          *layers;     /* AtlasOverlayLayer, owned */
  GPtrArray          *features;   /* AtlasOverlayFeature, owned */
  GHashTable         *feature_index;
  GHashTable         *layer_index;
  GHashTable         *group_index;
  GMutex              band_lock;     /* guards band_anchors and geos after loading */
  GHashTable         *band_anchors;  /* "outer inner" → AtlasPoint */
};

G_DEFINE_FINAL_TYPE (AtlasOverlays, atlas_overlays, G_TYPE_OBJECT)
G_DEFINE_QUARK (atlas-overlays-error-quark, atlas_overlays_error)

/* Loading context */

typedef struct _UnionCache UnionCache;

typedef struct
{
  AtlasOverlays  *self;
  AtlasBasemap   *basemap;
  AtlasGazetteer *gazetteer;
  AtlasPlan      *plan;
  GHashTable     *county_geoms;   /* code → GEOSGeometry (lon/lat), lazily */
  const char     *file;
  const char     *feature;
  UnionCache     *cache;          /* nullable */
} Loader;

static gboolean
set_error (GError     **error,
           Loader      *loader,
           int          code,
           const char  *format,
           ...) G_GNUC_PRINTF (4, 5);

static gboolean
set_error (GError     **error,
           Loader      *loader,
           int          code,
           const char  *format,
           ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  if (loader->feature != NULL)
    g_set_error (error, ATLAS_OVERLAYS_ERROR, code, "%s: feature “%s”: %s", loader->file,
                 loader->feature, message);
  else
    g_set_error (error, ATLAS_OVERLAYS_ERROR, code, "%s: %s", loader->file, message);
  return FALSE;
}

/* Freeing */

static void
style_free (gpointer data)
{
  AtlasOverlayStyle *s = data;

  g_free (s->id);
  g_free (s->name_zh);
  g_free (s->name_en);
  g_free (s);
}

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

/* JSON helpers */

static gboolean
json_node_is_number (JsonNode *node)
{
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  return type == G_TYPE_DOUBLE || type == G_TYPE_INT64;
}

static const char *
get_string (JsonObject *o,
            const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node)
      || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gboolean
get_number (JsonObject *o,
            const char *name,
            double     *out)
{
  JsonNode *node = json_object_get_member (o, name);
  GType type;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  type = json_node_get_value_type (node);
  if (type != G_TYPE_DOUBLE && type != G_TYPE_INT64)
    return FALSE;
  *out = json_node_get_double (node);
  return isfinite (*out);
}

static gboolean
get_bool (JsonObject *o,
          const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_VALUE (node)
         && json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

static JsonArray *
get_array (JsonObject *o,
           const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

static JsonObject *
get_object (JsonObject *o,
            const char *name)
{
  JsonNode *node = json_object_get_member (o, name);

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

/* Names shared by groups, layers and features. */
static gboolean
get_names (Loader      *loader,
           JsonObject  *o,
           const char  *what,
           char       **id,
           char       **name_zh,
           char       **name_en,
           GError     **error)
{
  const char *s_id = get_string (o, "id");
  const char *s_zh = get_string (o, "name_zh");
  const char *s_en = get_string (o, "name_en");

  if (s_id == NULL || *s_id == '\0')
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "a %s without an id", what);
  if (s_zh == NULL || s_en == NULL)
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "%s “%s” lacks name_zh or name_en",
                      what, s_id);
  *id = g_strdup (s_id);
  *name_zh = g_strdup (s_zh);
  *name_en = g_strdup (s_en);
  return TRUE;
}

static gboolean
get_plan_refs (Loader      *loader,
               JsonObject  *o,
               gboolean     required,
               char      ***out,
               GError     **error)
{
  JsonArray *array = get_array (o, "plan_refs");
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (array == NULL || json_array_get_length (array) == 0)
    {
      if (required)
        return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                          "no plan_refs: every feature must cite the plan's sections");
      *out = g_new0 (char *, 1);
      return TRUE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      const char *ref;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "plan_refs must be strings");
      ref = json_node_get_string (node);
      if (loader->plan != NULL && atlas_plan_lookup (loader->plan, ref) == NULL)
        return set_error (error, loader, ATLAS_OVERLAYS_ERROR_REFERENCE,
                          "plan_refs names section “%s”, which the plan does not have", ref);
      g_strv_builder_add (builder, ref);
    }

  *out = g_strv_builder_end (builder);
  return TRUE;
}

static gboolean
parse_color (const char *s,
             AtlasColor *c)
{
  guint v[4] = { 0, 0, 0, 255 };
  gsize len;

  if (s == NULL || s[0] != '#')
    return FALSE;
  len = strlen (s + 1);
  if (len != 6 && len != 8)
    return FALSE;
  for (gsize i = 0; i < len / 2; i++)
    {
      int hi = g_ascii_xdigit_value (s[1 + 2 * i]), lo = g_ascii_xdigit_value (s[2 + 2 * i]);

      if (hi < 0 || lo < 0)
        return FALSE;
      v[i] = hi * 16 + lo;
    }
  c->r = v[0] / 255.0;
  c->g = v[1] / 255.0;
  c->b = v[2] / 255.0;
  c->a = v[3] / 255.0;
  return TRUE;
}

static gboolean
lookup_enum (const char         *s,
             const char * const *names,
             guint               n_names,
             guint              *out)
{
  for (guint i = 0; i < n_names; i++)
    if (names[i] != NULL && g_strcmp0 (s, names[i]) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

static const char * const kind_names[] = { "zone", "band", "line", "point", "label" };
static const char * const hatch_names[] = { "none", "diagonal", "cross", "dots", "trees" };
static const char * const symbol_names[] = {
  "none", "circle", "square", "triangle", "diamond", "star", "airport", "seaport", "dryport",
  "heritage", "red_flag", "reservoir", "lab",
};
static const char * const source_names[] = { "counties", "path", "ring", "point", "geometry" };

static gboolean
parse_style (Loader             *loader,
             const char         *class_id,
             JsonObject         *o,
             AtlasOverlayStyle **out,
             GError            **error)
{
  g_autoptr(GError) local = NULL;
  AtlasOverlayStyle *s = g_new0 (AtlasOverlayStyle, 1);
  JsonArray *dash;
  const char *text;
  guint v;

  *out = s;
  s->id = g_strdup (class_id);
  s->name_zh = g_strdup (get_string (o, "name_zh"));
  s->name_en = g_strdup (get_string (o, "name_en"));
  if (s->name_zh == NULL || s->name_en == NULL)
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                      "style class “%s” lacks name_zh or name_en", class_id);

  if ((text = get_string (o, "fill")) != NULL)
    {
      if (!parse_color (text, &s->fill))
        return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                          "style class “%s”: bad fill colour “%s”", class_id, text);
      s->has_fill = TRUE;
    }
  if ((text = get_string (o, "stroke")) != NULL)
    {
      if (!parse_color (text, &s->stroke))
        return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                          "style class “%s”: bad stroke colour “%s”", class_id, text);
      s->has_stroke = TRUE;
    }
  if (!get_number (o, "stroke_width", &s->stroke_width))
    s->stroke_width = 1.5;
  s->stroke_width = CLAMP (s->stroke_width, 0, 40);
  if ((dash = get_array (o, "dash")) != NULL && json_array_get_length (dash) >= 2)
    {
      /* two numbers (dash, gap) or four (dash, gap, dot, gap: dash-dot) */
      s->n_dash = json_array_get_length (dash) >= 4 ? 4 : 2;
      for (guint i = 0; i < s->n_dash; i++)
        {
          if (!json_node_is_number (json_array_get_element (dash, i)))
            return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                              "style class “%s”: dash must be two or four numbers", class_id);
          s->dash[i] = CLAMP (json_array_get_double_element (dash, i), 0.5, 100);
        }
      s->has_dash = TRUE;
    }
  s->nested = get_bool (o, "nested");
  s->arrow = get_bool (o, "arrow");
  if ((text = get_string (o, "hatch")) != NULL)
    {
      if (!lookup_enum (text, hatch_names, G_N_ELEMENTS (hatch_names), &v))
        return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                          "style class “%s”: unknown hatch “%s”", class_id, text);
      s->hatch = v;
    }
  if ((text = get_string (o, "symbol")) != NULL)
    {
      if (!lookup_enum (text, symbol_names, G_N_ELEMENTS (symbol_names), &v))
        return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                          "style class “%s”: unknown symbol “%s”", class_id, text);
      s->symbol = v;
    }
  if (!get_number (o, "symbol_size", &s->symbol_size))
    s->symbol_size = 12;
  s->symbol_size = CLAMP (s->symbol_size, 4, 48);
  if (!get_number (o, "band_width_px", &s->band_width_px))
    s->band_width_px = 0;
  s->band_width_px = CLAMP (s->band_width_px, 0, 80);

  return TRUE;
}

/* Geometry */

typedef struct
{
  GArray *parts;    /* AtlasPart */
  GArray *points;   /* AtlasPoint, world */
} GeomBuilder;

static void
builder_init (GeomBuilder *b)
{
  b->parts = g_array_new (FALSE, FALSE, sizeof (AtlasPart));
  b->points = g_array_new (FALSE, FALSE, sizeof (AtlasPoint));
}

static void
builder_add_part (GeomBuilder  *b,
                  const double *lonlat,
                  guint         n)
{
  AtlasPart part = { { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE }, b->points->len, n };

  for (guint i = 0; i < n; i++)
    {
      AtlasPoint p = { atlas_geo_lon_to_world_x (lonlat[2 * i]),
                       atlas_geo_lat_to_world_y (lonlat[2 * i + 1]) };

      part.bbox.x0 = MIN (part.bbox.x0, p.x);
      part.bbox.y0 = MIN (part.bbox.y0, p.y);
      part.bbox.x1 = MAX (part.bbox.x1, p.x);
      part.bbox.y1 = MAX (part.bbox.y1, p.y);
      g_array_append_val (b->points, p);
    }
  g_array_append_val (b->parts, part);
}

/* Turns the builder into a one-feature geometry layer. */
static void
builder_finish (GeomBuilder    *b,
                gboolean        polygons,
                AtlasGeomLayer *out)
{
  AtlasFeature *f = g_new0 (AtlasFeature, 1);

  f->bbox = (AtlasRect) { G_MAXDOUBLE, G_MAXDOUBLE, -G_MAXDOUBLE, -G_MAXDOUBLE };
  for (guint i = 0; i < b->parts->len; i++)
    {
      AtlasPart *p = &g_array_index (b->parts, AtlasPart, i);

      f->bbox.x0 = MIN (f->bbox.x0, p->bbox.x0);
      f->bbox.y0 = MIN (f->bbox.y0, p->bbox.y0);
      f->bbox.x1 = MAX (f->bbox.x1, p->bbox.x1);
      f->bbox.y1 = MAX (f->bbox.y1, p->bbox.y1);
    }
  f->n_parts = b->parts->len;

  out->polygons = polygons;
  out->n_features = b->parts->len > 0 ? 1 : 0;
  out->features = f;
  out->n_parts = b->parts->len;
  out->parts = (AtlasPart *) g_array_free (b->parts, FALSE);
  out->n_points = b->points->len;
  out->points = (AtlasPoint *) g_array_free (b->points, FALSE);
}

static GEOSGeometry *
ring_from_lonlat (GEOSContextHandle_t  ctx,
                  const double        *lonlat,
                  guint                n)
{
  GEOSCoordSequence *seq = GEOSCoordSeq_create_r (ctx, n + 1, 2);

  for (guint i = 0; i <= n; i++)
    GEOSCoordSeq_setXY_r (ctx, seq, i, lonlat[2 * (i % n)], lonlat[2 * (i % n) + 1]);
  return GEOSGeom_createLinearRing_r (ctx, seq);
}

static double *
part_lonlat (const AtlasGeomLayer *layer,
             const AtlasPart      *part)
{
  double *lonlat = g_new (double, 2 * part->n_points);

  for (guint k = 0; k < part->n_points; k++)
    {
      lonlat[2 * k] = atlas_geo_world_x_to_lon (layer->points[part->first_point + k].x);
      lonlat[2 * k + 1] = atlas_geo_world_y_to_lat (layer->points[part->first_point + k].y);
    }
  return lonlat;
}

/* A base-map polygon feature as a valid GEOS geometry in lon/lat: rings at
 * even containment depth are shells, the others holes. */
static GEOSGeometry *
geos_from_feature (GEOSContextHandle_t   ctx,
                   const AtlasGeomLayer *layer,
                   const AtlasFeature   *f)
{
  g_autoptr(GPtrArray) shells = g_ptr_array_new ();
  g_autoptr(GPtrArray) holes = g_ptr_array_new ();
  GEOSGeometry *shell_union, *result;

  for (guint p = 0; p < f->n_parts; p++)
    {
      const AtlasPart *part = &layer->parts[f->first_part + p];
      g_autofree double *lonlat = part_lonlat (layer, part);
      guint depth = 0;
      GEOSGeometry *poly;

      for (guint q = 0; q < f->n_parts; q++)
        {
          const AtlasPart *other = &layer->parts[f->first_part + q];

          if (q != p && atlas_rect_intersects (&other->bbox, &part->bbox)
              && atlas_geo_point_in_ring (&layer->points[other->first_point], other->n_points,
                                          layer->points[part->first_point].x,
                                          layer->points[part->first_point].y))
            depth++;
        }

      poly = GEOSGeom_createPolygon_r (ctx, ring_from_lonlat (ctx, lonlat, part->n_points), NULL, 0);
      if (poly == NULL)
        continue;
      if (!GEOSisValid_r (ctx, poly))
        {
          GEOSGeometry *valid = GEOSMakeValid_r (ctx, poly);
          GEOSGeom_destroy_r (ctx, poly);
          poly = valid;
        }
      g_ptr_array_add (depth % 2 == 0 ? shells : holes, poly);
    }

  {
    GEOSGeometry *shell_coll = GEOSGeom_createCollection_r (ctx, GEOS_GEOMETRYCOLLECTION,
                                                            (GEOSGeometry **) shells->pdata,
                                                            shells->len);
    shell_union = GEOSUnaryUnion_r (ctx, shell_coll);
    GEOSGeom_destroy_r (ctx, shell_coll);
  }
  if (holes->len == 0)
    return shell_union;

  {
    GEOSGeometry *hole_coll = GEOSGeom_createCollection_r (ctx, GEOS_GEOMETRYCOLLECTION,
                                                           (GEOSGeometry **) holes->pdata,
                                                           holes->len);
    GEOSGeometry *hole_union = GEOSUnaryUnion_r (ctx, hole_coll);

    result = GEOSDifference_r (ctx, shell_union, hole_union);
    GEOSGeom_destroy_r (ctx, hole_coll);
    GEOSGeom_destroy_r (ctx, hole_union);
    GEOSGeom_destroy_r (ctx, shell_union);
  }
  return result;
}

/* The GEOS geometry of a county, prefecture or province code (the last two
 * from the dissolved prefecture polygons), cached for the load. */
static const GEOSGeometry *
unit_geometry (Loader  *loader,
               guint32  code)
{
  GEOSContextHandle_t ctx = loader->self->geos;
  GEOSGeometry *geom = g_hash_table_lookup (loader->county_geoms, GUINT_TO_POINTER (code));
  const AtlasGeomLayer *layer;

  if (geom != NULL)
    return geom;

  if (code % 10000 == 0)
    {
      /* a province: its outline, the union of its counties, from the base map */
      layer = atlas_basemap_get_layer (loader->basemap, ATLAS_LAYER_PROVINCES, ATLAS_N_BANDS - 1);
      for (guint i = 0; i < layer->n_features && geom == NULL; i++)
        if (layer->features[i].code == code && layer->features[i].kind == 1)
          geom = geos_from_feature (ctx, layer, &layer->features[i]);
    }
  else
    {
      layer = atlas_basemap_get_layer (loader->basemap,
                                       code % 100 == 0 ? ATLAS_LAYER_PREFECTURES : ATLAS_LAYER_COUNTIES,
                                       ATLAS_N_BANDS - 1);
      for (guint i = 0; i < layer->n_features && geom == NULL; i++)
        if (layer->features[i].code == code)
          geom = geos_from_feature (ctx, layer, &layer->features[i]);
    }

  if (geom != NULL)
    g_hash_table_insert (loader->county_geoms, GUINT_TO_POINTER (code), geom);
  return geom;
}

static int
compare_codes (gconstpointer a,
               gconstpointer b)
{
  guint32 ca = *(const guint32 *) a, cb = *(const guint32 *) b;

  return ca < cb ? -1 : ca > cb;
}

/* Member counties of a code: itself, or those of the prefecture/province. */
static gboolean
expand_code (Loader  *loader,
             guint32  code,
             GArray  *out)
{
  guint n;
  const AtlasCounty *counties = atlas_basemap_get_counties (loader->basemap, &n);
  gboolean found = FALSE;

  for (guint i = 0; i < n; i++)
    if (counties[i].code == code || counties[i].prefecture_code == code
        || counties[i].province_code == code)
      {
        g_array_append_val (out, counties[i].code);
        found = TRUE;
      }
  return found;
}

static double
ring_area_km2 (GEOSContextHandle_t  ctx,
               const GEOSGeometry  *ring)
{
  const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r (ctx, ring);
  unsigned int n = 0;
  g_autofree double *lonlat = NULL;

  GEOSCoordSeq_getSize_r (ctx, seq, &n);
  if (n < 4)
    return 0;
  lonlat = g_new (double, 2 * n);
  for (unsigned int i = 0; i < n; i++)
    GEOSCoordSeq_getXY_r (ctx, seq, i, &lonlat[2 * i], &lonlat[2 * i + 1]);
  return atlas_geo_ring_area_m2 (lonlat, n - 1) / 1e6;
}

static void
add_line_part (GEOSContextHandle_t  ctx,
               const GEOSGeometry  *line,
               GeomBuilder         *b)
{
  const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r (ctx, line);
  unsigned int n = 0;
  g_autofree double *lonlat = NULL;

  GEOSCoordSeq_getSize_r (ctx, seq, &n);
  if (n < 2)
    return;
  lonlat = g_new (double, 2 * n);
  for (unsigned int i = 0; i < n; i++)
    GEOSCoordSeq_getXY_r (ctx, seq, i, &lonlat[2 * i], &lonlat[2 * i + 1]);
  builder_add_part (b, lonlat, n);
}

static void
add_lines (GEOSContextHandle_t  ctx,
           const GEOSGeometry  *geom,
           GeomBuilder         *b)
{
  int n = GEOSGetNumGeometries_r (ctx, geom);

  for (int i = 0; i < n; i++)
    {
      const GEOSGeometry *g = GEOSGetGeometryN_r (ctx, geom, i);
      int type = GEOSGeomTypeId_r (ctx, g);

      if (type == GEOS_LINESTRING || type == GEOS_LINEARRING)
        add_line_part (ctx, g, b);
      else if (type == GEOS_MULTILINESTRING || type == GEOS_GEOMETRYCOLLECTION)
        add_lines (ctx, g, b);
    }
}

/* Drops sliver holes and fragments left where boundaries taken from
 * different source files do not meet exactly. */
static GEOSGeometry *
remove_slivers (GEOSContextHandle_t  ctx,
                GEOSGeometry        *geom)
{
  g_autoptr(GPtrArray) polys = g_ptr_array_new ();
  int n = GEOSGetNumGeometries_r (ctx, geom);
  GEOSGeometry *result;

  for (int i = 0; i < n; i++)
    {
      const GEOSGeometry *poly = GEOSGetGeometryN_r (ctx, geom, i);
      g_autoptr(GPtrArray) holes = g_ptr_array_new ();
      GEOSGeometry *shell;

      if (GEOSGeomTypeId_r (ctx, poly) != GEOS_POLYGON
          || ring_area_km2 (ctx, GEOSGetExteriorRing_r (ctx, poly)) < 0.5)
        continue;

      shell = GEOSGeom_clone_r (ctx, GEOSGetExteriorRing_r (ctx, poly));
      for (int h = 0; h < GEOSGetNumInteriorRings_r (ctx, poly); h++)
        {
          const GEOSGeometry *hole = GEOSGetInteriorRingN_r (ctx, poly, h);

          if (ring_area_km2 (ctx, hole) >= 1.0)
            g_ptr_array_add (holes, GEOSGeom_clone_r (ctx, hole));
        }
      g_ptr_array_add (polys, GEOSGeom_createPolygon_r (ctx, shell, (GEOSGeometry **) holes->pdata,
                                                        holes->len));
    }

  result = GEOSGeom_createCollection_r (ctx, GEOS_MULTIPOLYGON, (GEOSGeometry **) polys->pdata,
                                        polys->len);
  GEOSGeom_destroy_r (ctx, geom);
  return result;
}

/* Simplification tolerance of each band, in degrees: about a third of a
 * pixel at the band's highest zoom (6, 8, 10), none in the last band. */
static double
band_tolerance (guint band)
{
  static const int zooms[ATLAS_N_BANDS] = { 6, 8, 10, -1 };

  return zooms[band] < 0 ? 0 : 0.35 * 360.0 / (ATLAS_TILE_SIZE * pow (2, zooms[band]));
}

/* A ring of a polygon, read once from GEOS for all the bands. */
typedef struct
{
  double  *lonlat;   /* closed: the last point repeats the first */
  guint    n;
  gboolean hole;
} BandRing;

static void
band_ring_clear (gpointer data)
{
  g_free (((BandRing *) data)->lonlat);
}

static void
collect_ring (GEOSContextHandle_t  ctx,
              const GEOSGeometry  *ring,
              gboolean             hole,
              GArray              *rings)
{
  const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r (ctx, ring);
  unsigned int n = 0;
  BandRing r = { NULL, 0, hole };

  GEOSCoordSeq_getSize_r (ctx, seq, &n);
  if (n < 4)
    return;
  r.lonlat = g_new (double, 2 * n);
  r.n = n;
  GEOSCoordSeq_copyToBuffer_r (ctx, seq, r.lonlat, FALSE, FALSE);
  g_array_append_val (rings, r);
}

/* Rings of every polygon of @geom, each shell before its holes; returns
 * the area in km² (as add_polygons()). */
static double
collect_rings (GEOSContextHandle_t  ctx,
               const GEOSGeometry  *geom,
               GArray              *rings)
{
  int n = GEOSGetNumGeometries_r (ctx, geom);
  double area = 0;

  for (int i = 0; i < n; i++)
    {
      const GEOSGeometry *poly = GEOSGetGeometryN_r (ctx, geom, i);
      int type = GEOSGeomTypeId_r (ctx, poly);

      if (type == GEOS_MULTIPOLYGON || type == GEOS_GEOMETRYCOLLECTION)
        {
          area += collect_rings (ctx, poly, rings);
          continue;
        }
      if (type != GEOS_POLYGON)
        continue;

      collect_ring (ctx, GEOSGetExteriorRing_r (ctx, poly), FALSE, rings);
      area += ring_area_km2 (ctx, GEOSGetExteriorRing_r (ctx, poly));
      for (int h = 0; h < GEOSGetNumInteriorRings_r (ctx, poly); h++)
        {
          collect_ring (ctx, GEOSGetInteriorRingN_r (ctx, poly, h), TRUE, rings);
          area -= ring_area_km2 (ctx, GEOSGetInteriorRingN_r (ctx, poly, h));
        }
    }
  return area;
}

static double
segment_distance2 (const double *p,
                   const double *a,
                   const double *b)
{
  double dx = b[0] - a[0], dy = b[1] - a[1], len2 = dx * dx + dy * dy;
  double t = len2 > 0 ? CLAMP (((p[0] - a[0]) * dx + (p[1] - a[1]) * dy) / len2, 0, 1) : 0;
  double ex = a[0] + t * dx - p[0], ey = a[1] + t * dy - p[1];

  return ex * ex + ey * ey;
}

/* Plain Douglas–Peucker of a closed ring (first and last point kept), in
 * place; returns the number of points kept. */
static guint
simplify_ring (double  *lonlat,
               guint    n,
               double   tolerance,
               guint8  *keep,
               guint   *stack)
{
  double tol2 = tolerance * tolerance;
  guint top = 0, m = 0;

  memset (keep, 0, n);
  keep[0] = keep[n - 1] = 1;
  stack[top++] = 0;
  stack[top++] = n - 1;
  while (top > 0)
    {
      guint last = stack[--top], first = stack[--top], far = 0;
      double max = -1;

      for (guint i = first + 1; i < last; i++)
        {
          double d = segment_distance2 (&lonlat[2 * i], &lonlat[2 * first], &lonlat[2 * last]);

          if (d > max)
            {
              max = d;
              far = i;
            }
        }
      if (max > tol2)
        {
          keep[far] = 1;
          stack[top++] = first;
          stack[top++] = far;
          stack[top++] = far;
          stack[top++] = last;
        }
    }
  for (guint i = 0; i < n; i++)
    if (keep[i])
      {
        lonlat[2 * m] = lonlat[2 * i];
        lonlat[2 * m + 1] = lonlat[2 * i + 1];
        m++;
      }
  return m;
}

static void
polygons_to_bands (GEOSContextHandle_t  ctx,
                   const GEOSGeometry  *geom,
                   AtlasGeomLayer      *bands,
                   double              *area_km2)
{
  g_autoptr(GArray) rings = g_array_new (FALSE, FALSE, sizeof (BandRing));
  g_autofree double *work = NULL;
  g_autofree guint8 *keep = NULL;
  g_autofree guint *stack = NULL;
  guint max_n = 0;
  double area;

  g_array_set_clear_func (rings, band_ring_clear);
  area = collect_rings (ctx, geom, rings);
  if (area_km2 != NULL)
    *area_km2 = area;
  for (guint i = 0; i < rings->len; i++)
    max_n = MAX (max_n, g_array_index (rings, BandRing, i).n);
  work = g_new (double, 2 * MAX (max_n, 1));
  keep = g_new (guint8, MAX (max_n, 1));
  /* each split pushes two ranges of at least one segment: at most 2n */
  stack = g_new (guint, 4 * MAX (max_n, 1));

  for (guint b = 0; b < ATLAS_N_BANDS; b++)
    {
      double tol = band_tolerance (b);
      gboolean skip_holes = FALSE;
      GeomBuilder builder;

      builder_init (&builder);
      for (guint i = 0; i < rings->len; i++)
        {
          const BandRing *r = &g_array_index (rings, BandRing, i);
          guint m = r->n;

          if (r->hole && skip_holes)
            continue;
          /* plain Douglas–Peucker: under half a pixel, the shortcuts it may
           * take through narrow parts cannot be seen; a ring that collapses
           * (a shell with its holes) is left out, as GEOSSimplify() does */
          memcpy (work, r->lonlat, sizeof (double) * 2 * r->n);
          if (tol > 0)
            m = simplify_ring (work, r->n, tol, keep, stack);
          skip_holes = !r->hole && m < 4;
          if (m >= 4)
            builder_add_part (&builder, work, m - 1);   /* without the closing point */
        }
      builder_finish (&builder, TRUE, &bands[b]);
    }
}

static void
lines_to_bands (GEOSContextHandle_t  ctx,
                const GEOSGeometry  *geom,
                AtlasGeomLayer      *bands)
{
  for (guint b = 0; b < ATLAS_N_BANDS; b++)
    {
      GeomBuilder builder;

      builder_init (&builder);
      add_lines (ctx, geom, &builder);
      builder_finish (&builder, FALSE, &bands[b]);
    }
}

/* The unions of counties, kept on disk between runs
 *
 * A union depends only on the list of units and on the base map's unit
 * polygons: the cache file is named by a digest of those polygons, and
 * each entry by the sorted list of codes. Entries are WKB. A missing,
 * unreadable or foreign file is simply a cache miss; the file is written
 * to a temporary name and renamed.
 */

struct _UnionCache
{
  GMutex      lock;
  char       *path;       /* nullable: no cache */
  GHashTable *entries;    /* key → GBytes (WKB) */
  gboolean    dirty;
};

#define UNION_CACHE_MAGIC "ATLU"
#define UNION_CACHE_VERSION 1

static void
digest_layer (GChecksum            *sum,
              const AtlasGeomLayer *layer)
{
  g_checksum_update (sum, (const guchar *) &layer->n_features, sizeof layer->n_features);
  for (guint i = 0; i < layer->n_features; i++)
    g_checksum_update (sum, (const guchar *) &layer->features[i].code, sizeof (guint32));
  g_checksum_update (sum, (const guchar *) layer->points, (gsize) layer->n_points * sizeof (AtlasPoint));
}

static UnionCache *
union_cache_open (AtlasBasemap *basemap)
{
  UnionCache *cache = g_new0 (UnionCache, 1);
  const char *dir = g_getenv ("ATLAS_CACHE_DIR");
  g_autofree char *default_dir = NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
  g_autofree char *name = NULL;
  g_autofree char *contents = NULL;
  gsize length = 0, pos;
  guint32 n;

  g_mutex_init (&cache->lock);
  cache->entries = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_bytes_unref);
  if (g_getenv ("ATLAS_NO_CACHE") != NULL)
    return cache;
  if (dir == NULL || *dir == '\0')
    dir = default_dir = g_build_filename (g_get_user_cache_dir (), "capital-atlas", NULL);

  g_checksum_update (sum, (const guchar *) UNION_CACHE_MAGIC, 4);
  digest_layer (sum, atlas_basemap_get_layer (basemap, ATLAS_LAYER_COUNTIES, ATLAS_N_BANDS - 1));
  digest_layer (sum, atlas_basemap_get_layer (basemap, ATLAS_LAYER_PREFECTURES, ATLAS_N_BANDS - 1));
  digest_layer (sum, atlas_basemap_get_layer (basemap, ATLAS_LAYER_PROVINCES, ATLAS_N_BANDS - 1));
  name = g_strdup_printf ("unions-v%d-%.16s.bin", UNION_CACHE_VERSION, g_checksum_get_string (sum));
  cache->path = g_build_filename (dir, name, NULL);

  if (!g_file_get_contents (cache->path, &contents, &length, NULL)
      || length < 12 || memcmp (contents, UNION_CACHE_MAGIC, 4) != 0)
    return cache;

  memcpy (&n, contents + 8, 4);
  n = GUINT32_FROM_LE (n);
  pos = 12;
  for (guint32 i = 0; i < n; i++)
    {
      guint32 key_len, wkb_len;

      if (length - pos < 4)
        break;
      memcpy (&key_len, contents + pos, 4);
      key_len = GUINT32_FROM_LE (key_len);
      pos += 4;
      if (key_len > length - pos || length - pos - key_len < 4)
        break;
      memcpy (&wkb_len, contents + pos + key_len, 4);
      wkb_len = GUINT32_FROM_LE (wkb_len);
      if (wkb_len > length - pos - key_len - 4)
        break;
      g_hash_table_insert (cache->entries, g_strndup (contents + pos, key_len),
                           g_bytes_new (contents + pos + key_len + 4, wkb_len));
      pos += key_len + 4 + wkb_len;
    }
  return cache;
}

static void
append_u32 (GByteArray *out,
            guint32     v)
{
  v = GUINT32_TO_LE (v);
  g_byte_array_append (out, (const guint8 *) &v, 4);
}

static void
union_cache_close (UnionCache *cache)
{
  if (cache->path != NULL && cache->dirty)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autofree char *dir = g_path_get_dirname (cache->path);
      GHashTableIter iter;
      gpointer key, value;

      g_byte_array_append (out, (const guint8 *) UNION_CACHE_MAGIC, 4);
      append_u32 (out, UNION_CACHE_VERSION);
      append_u32 (out, g_hash_table_size (cache->entries));
      g_hash_table_iter_init (&iter, cache->entries);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          gsize size;
          const guint8 *wkb = g_bytes_get_data (value, &size);

          append_u32 (out, strlen (key));
          g_byte_array_append (out, key, strlen (key));
          append_u32 (out, size);
          g_byte_array_append (out, wkb, size);
        }
      /* a cache that cannot be written is only slower next time */
      if (g_mkdir_with_parents (dir, 0755) == 0)
        g_file_set_contents_full (cache->path, (const char *) out->data, out->len,
                                  G_FILE_SET_CONTENTS_CONSISTENT, 0644, NULL);
    }
  g_hash_table_unref (cache->entries);
  g_mutex_clear (&cache->lock);
  g_free (cache->path);
  g_free (cache);
}

/* "110000,120114,131002" */
static char *
union_key (GArray *codes)
{
  g_autoptr(GArray) sorted = g_array_copy (codes);
  GString *key = g_string_new (NULL);

  g_array_sort (sorted, (GCompareFunc) compare_codes);
  for (guint i = 0; i < sorted->len; i++)
    g_string_append_printf (key, "%s%06u", i ? "," : "", g_array_index (sorted, guint32, i));
  return g_string_free (key, FALSE);
}

static GEOSGeometry *
union_cache_lookup (UnionCache          *cache,
                    GEOSContextHandle_t  ctx,
                    const char          *key)
{
  GBytes *wkb;
  GEOSGeometry *geom = NULL;

  if (cache == NULL || cache->path == NULL)
    return NULL;
  g_mutex_lock (&cache->lock);
  wkb = g_hash_table_lookup (cache->entries, key);
  if (wkb != NULL)
    {
      GEOSWKBReader *reader = GEOSWKBReader_create_r (ctx);
      gsize size;
      const guchar *data = g_bytes_get_data (wkb, &size);

      geom = GEOSWKBReader_read_r (ctx, reader, data, size);
      GEOSWKBReader_destroy_r (ctx, reader);
      if (geom != NULL && GEOSGeomTypeId_r (ctx, geom) != GEOS_MULTIPOLYGON)
        {
          GEOSGeom_destroy_r (ctx, geom);
          geom = NULL;
        }
    }
  g_mutex_unlock (&cache->lock);
  return geom;
}

static void
union_cache_store (UnionCache          *cache,
                   GEOSContextHandle_t  ctx,
                   const char          *key,
                   const GEOSGeometry  *geom)
{
  GEOSWKBWriter *writer;
  unsigned char *wkb;
  size_t size = 0;

  if (cache == NULL || cache->path == NULL)
    return;
  writer = GEOSWKBWriter_create_r (ctx);
  wkb = GEOSWKBWriter_write_r (ctx, writer, geom, &size);
  GEOSWKBWriter_destroy_r (ctx, writer);
  if (wkb == NULL)
    return;
  g_mutex_lock (&cache->lock);
  g_hash_table_insert (cache->entries, g_strdup (key), g_bytes_new (wkb, size));
  cache->dirty = TRUE;
  g_mutex_unlock (&cache->lock);
  GEOSFree_r (ctx, wkb);
}

static gboolean
has_duplicates (GArray *codes,
                guint   first)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);

  for (guint i = first; i < codes->len; i++)
    if (!g_hash_table_add (seen, GUINT_TO_POINTER (g_array_index (codes, guint32, i))))
      return TRUE;
  return FALSE;
}

static GEOSGeometry *
union_of_codes (Loader      *loader,
                JsonArray   *codes,
                GArray      *members,
                GError     **error)
{
  GEOSContextHandle_t ctx = loader->self->geos;
  guint first_member = members->len;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  g_autoptr(GArray) units = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree char *key = NULL;
  GEOSGeometry *coll, *result;

  for (guint i = 0; i < json_array_get_length (codes); i++)
    {
      JsonNode *node = json_array_get_element (codes, i);
      const char *text;
      guint64 code;
      guint32 code32;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "county codes must be strings");
          return NULL;
        }
      text = json_node_get_string (node);
      if (!g_ascii_string_to_unsigned (text, 10, 100000, 999999, &code, NULL)
          || !expand_code (loader, code, members))
        {
          set_error (error, loader, ATLAS_OVERLAYS_ERROR_REFERENCE, "unknown county code “%s”", text);
          return NULL;
        }
      code32 = code;
      g_array_append_val (units, code32);
    }

  if (units->len == 0)
    {
      set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "an empty list of counties");
      return NULL;
    }

  key = union_key (units);
  result = union_cache_lookup (loader->cache, ctx, key);
  if (result != NULL)
    return result;

  for (guint i = 0; i < units->len; i++)
    {
      const GEOSGeometry *unit = unit_geometry (loader, g_array_index (units, guint32, i));

      if (unit == NULL)
        {
          set_error (error, loader, ATLAS_OVERLAYS_ERROR_REFERENCE, "unknown county code “%06u”",
                     g_array_index (units, guint32, i));
          goto fail;
        }
      g_ptr_array_add (parts, GEOSGeom_clone_r (ctx, unit));
    }

  coll = GEOSGeom_createCollection_r (ctx, GEOS_GEOMETRYCOLLECTION, (GEOSGeometry **) parts->pdata,
                                      parts->len);
  /* The base map's units form a coverage (neighbours share their edges
   * exactly, nothing overlaps), which GEOS unions in linear time; a list
   * that names a unit twice (a province and one of its counties) overlaps
   * and takes the general union. */
  result = has_duplicates (members, first_member) ? NULL : GEOSCoverageUnion_r (ctx, coll);
  if (result == NULL || !GEOSisValid_r (ctx, result))
    {
      if (result != NULL)
        GEOSGeom_destroy_r (ctx, result);
      result = GEOSUnaryUnion_r (ctx, coll);
    }
  GEOSGeom_destroy_r (ctx, coll);
  if (result == NULL)
    {
      set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "the union of its counties failed");
      return NULL;
    }
  result = remove_slivers (ctx, result);
  union_cache_store (loader->cache, ctx, key, result);
  return result;

fail:
  for (guint i = 0; i < parts->len; i++)
    GEOSGeom_destroy_r (ctx, parts->pdata[i]);
  return NULL;
}

static const AtlasPlace *
lookup_place (Loader      *loader,
              JsonNode    *node,
              GError     **error)
{
  const char *id;
  const AtlasPlace *place;

  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "gazetteer ids must be strings");
      return NULL;
    }
  id = json_node_get_string (node);
  place = atlas_gazetteer_lookup (loader->gazetteer, id);
  if (place == NULL)
    set_error (error, loader, ATLAS_OVERLAYS_ERROR_REFERENCE, "unknown gazetteer id “%s”", id);
  return place;
}

/* A polygon approximating a circle of @radius_km around (lon, lat). */
static GEOSGeometry *
circle_polygon (GEOSContextHandle_t ctx,
                double              lon,
                double              lat,
                double              radius_km)
{
  const guint n = 96;
  double lonlat[2 * 96];
  double dlat = radius_km / 110.574, dlon = radius_km / (111.320 * cos (lat * G_PI / 180));

  for (guint i = 0; i < n; i++)
    {
      double a = 2 * G_PI * i / n;

      lonlat[2 * i] = lon + dlon * cos (a);
      lonlat[2 * i + 1] = lat + dlat * sin (a);
    }
  return GEOSGeom_createPolygon_r (ctx, ring_from_lonlat (ctx, lonlat, n), NULL, 0);
}

static GEOSCoordSequence *
coords_from_json (Loader      *loader,
                  JsonArray   *array,
                  gboolean     ring,
                  GError     **error)
{
  GEOSContextHandle_t ctx = loader->self->geos;
  guint n = json_array_get_length (array);
  GEOSCoordSequence *seq;

  if (n < (ring ? 4u : 2u))
    {
      set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "too few coordinates");
      return NULL;
    }
  seq = GEOSCoordSeq_create_r (ctx, n, 2);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *pt = json_array_get_element (array, i);
      JsonArray *xy;
      double x, y;

      if (!JSON_NODE_HOLDS_ARRAY (pt) || json_array_get_length (xy = json_node_get_array (pt)) < 2
          || !json_node_is_number (json_array_get_element (xy, 0))
          || !json_node_is_number (json_array_get_element (xy, 1)))
        {
          GEOSCoordSeq_destroy_r (ctx, seq);
          set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "a coordinate is not [lon, lat]");
          return NULL;
        }
      x = json_array_get_double_element (xy, 0);
      y = json_array_get_double_element (xy, 1);
      if (!isfinite (x) || !isfinite (y) || fabs (x) > 180 || fabs (y) > 85)
        {
          GEOSCoordSeq_destroy_r (ctx, seq);
          set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "a coordinate is out of range");
          return NULL;
        }
      /* close rings that are not closed */
      if (ring && i == n - 1)
        {
          double x0, y0;

          GEOSCoordSeq_getXY_r (ctx, seq, 0, &x0, &y0);
          x = x0;
          y = y0;
        }
      GEOSCoordSeq_setXY_r (ctx, seq, i, x, y);
    }
  return seq;
}

static GEOSGeometry *
polygon_from_json (Loader      *loader,
                   JsonArray   *rings,
                   GError     **error)
{
  GEOSContextHandle_t ctx = loader->self->geos;
  g_autoptr(GPtrArray) holes = g_ptr_array_new ();
  GEOSGeometry *shell = NULL;

  for (guint r = 0; r < json_array_get_length (rings); r++)
    {
      JsonNode *node = json_array_get_element (rings, r);
      GEOSCoordSequence *seq;
      GEOSGeometry *ring;

      if (!JSON_NODE_HOLDS_ARRAY (node)
          || (seq = coords_from_json (loader, json_node_get_array (node), TRUE, error)) == NULL)
        {
          if (error != NULL && *error == NULL)
            set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "a ring is not an array");
          goto fail;
        }
      ring = GEOSGeom_createLinearRing_r (ctx, seq);
      if (r == 0)
        shell = ring;
      else
        g_ptr_array_add (holes, ring);
    }
  if (shell == NULL)
    {
      set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "a polygon without rings");
      return NULL;
    }
  return GEOSGeom_createPolygon_r (ctx, shell, (GEOSGeometry **) holes->pdata, holes->len);

fail:
  if (shell != NULL)
    GEOSGeom_destroy_r (ctx, shell);
  for (guint i = 0; i < holes->len; i++)
    GEOSGeom_destroy_r (ctx, holes->pdata[i]);
  return NULL;
}

/* An explicit GeoJSON geometry; *shape tells what it is. */
static GEOSGeometry *
geometry_from_json (Loader      *loader,
                    JsonObject  *o,
                    AtlasShape  *shape,
                    GError     **error)
{
  GEOSContextHandle_t ctx = loader->self->geos;
  const char *type = get_string (o, "type");
  JsonArray *coords = get_array (o, "coordinates");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  gboolean polygons = g_strcmp0 (type, "Polygon") == 0 || g_strcmp0 (type, "MultiPolygon") == 0;
  gboolean multi = g_strcmp0 (type, "MultiPolygon") == 0 || g_strcmp0 (type, "MultiLineString") == 0;
  GEOSGeometry *geom;

  if (type == NULL || coords == NULL)
    {
      set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "geometry without type or coordinates");
      return NULL;
    }
  if (!polygons && g_strcmp0 (type, "LineString") != 0 && g_strcmp0 (type, "MultiLineString") != 0)
    {
      set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY,
                 "geometry type “%s” is not supported (Polygon, MultiPolygon, LineString, "
                 "MultiLineString)", type);
      return NULL;
    }

  for (guint i = 0; i < (multi ? json_array_get_length (coords) : 1); i++)
    {
      JsonArray *item = coords;
      GEOSGeometry *part;

      if (multi)
        {
          JsonNode *node = json_array_get_element (coords, i);

          if (!JSON_NODE_HOLDS_ARRAY (node))
            {
              set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "malformed coordinates");
              goto fail;
            }
          item = json_node_get_array (node);
        }

      if (polygons)
        part = polygon_from_json (loader, item, error);
      else
        {
          GEOSCoordSequence *seq = coords_from_json (loader, item, FALSE, error);
          part = seq != NULL ? GEOSGeom_createLineString_r (ctx, seq) : NULL;
        }
      if (part == NULL)
        goto fail;
      g_ptr_array_add (parts, part);
    }

  geom = GEOSGeom_createCollection_r (ctx, polygons ? GEOS_MULTIPOLYGON : GEOS_MULTILINESTRING,
                                      (GEOSGeometry **) parts->pdata, parts->len);
  if (polygons && !GEOSisValid_r (ctx, geom))
    {
      GEOSGeometry *valid = GEOSMakeValid_r (ctx, geom);
      GEOSGeom_destroy_r (ctx, geom);
      geom = valid;
    }
  *shape = polygons ? ATLAS_SHAPE_POLYGON : ATLAS_SHAPE_LINE;
  return geom;

fail:
  for (guint i = 0; i < parts->len; i++)
    GEOSGeom_destroy_r (ctx, parts->pdata[i]);
  return NULL;
}

static void
set_anchor (AtlasOverlayFeature *f,
            double               lon,
            double               lat)
{
  f->anchor_lon = lon;
  f->anchor_lat = lat;
  f->anchor.x = atlas_geo_lon_to_world_x (lon);
  f->anchor.y = atlas_geo_lat_to_world_y (lat);
}

/* Label point of a zone: a point surely inside it. */
static void
anchor_in_polygon (GEOSContextHandle_t  ctx,
                   AtlasOverlayFeature *f,
                   const GEOSGeometry  *geom)
{
  GEOSGeometry *centroid = GEOSGetCentroid_r (ctx, geom);
  GEOSGeometry *pt = centroid;
  const GEOSPreparedGeometry *prepared = NULL;
  double x = 0, y = 0;

  /* prepared: a point-in-polygon test on an index, not a full relate
   * (which nodes the whole shape) */
  if (centroid != NULL)
    prepared = GEOSPrepare_r (ctx, geom);
  if (centroid != NULL && prepared != NULL && GEOSPreparedIntersects_r (ctx, prepared, centroid) != 1)
    {
      pt = GEOSPointOnSurface_r (ctx, geom);
      GEOSGeom_destroy_r (ctx, centroid);
    }
  if (prepared != NULL)
    GEOSPreparedGeom_destroy_r (ctx, prepared);
  if (pt != NULL)
    {
      GEOSGeomGetX_r (ctx, pt, &x);
      GEOSGeomGetY_r (ctx, pt, &y);
      GEOSGeom_destroy_r (ctx, pt);
    }
  set_anchor (f, x, y);
}

/* Label point of a line: the vertex nearest the middle of its length. */
static void
anchor_on_line (AtlasOverlayFeature *f)
{
  const AtlasGeomLayer *g = &f->geom[ATLAS_N_BANDS - 1];
  double total = 0, run = 0;

  if (g->n_points == 0)
    return;
  for (guint i = 1; i < g->parts[0].n_points; i++)
    total += hypot (g->points[i].x - g->points[i - 1].x, g->points[i].y - g->points[i - 1].y);
  for (guint i = 1; i < g->parts[0].n_points; i++)
    {
      double a = hypot (g->points[i].x - g->points[i - 1].x, g->points[i].y - g->points[i - 1].y);

      if (run + a >= total / 2)
        {
          double t = a > 0 ? (total / 2 - run) / a : 0;

          f->anchor.x = g->points[i - 1].x + t * (g->points[i].x - g->points[i - 1].x);
          f->anchor.y = g->points[i - 1].y + t * (g->points[i].y - g->points[i - 1].y);
          f->anchor_lon = atlas_geo_world_x_to_lon (f->anchor.x);
          f->anchor_lat = atlas_geo_world_y_to_lat (f->anchor.y);
          return;
        }
      run += a;
    }
  f->anchor = g->points[0];
}

static gboolean
resolve_geometry (Loader               *loader,
                  JsonObject           *o,
                  AtlasOverlayFeature  *f,
                  GError              **error)
{
  GEOSContextHandle_t ctx = loader->self->geos;
  const char *keys[] = { "counties", "path", "ring", "point", "geometry" };
  guint n_keys = 0;
  GEOSGeometry *geom = NULL;
  JsonArray *partial;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (json_object_has_member (o, keys[i]))
      {
        f->source = i;
        n_keys++;
      }
  if (n_keys != 1)
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                      "needs exactly one geometry: counties, path, ring, point or geometry");

  f->counties = g_array_new (FALSE, FALSE, sizeof (guint32));
  f->partial_counties = g_array_new (FALSE, FALSE, sizeof (guint32));

  switch (f->source)
    {
    case ATLAS_SOURCE_COUNTIES:
      {
        JsonArray *codes = get_array (o, "counties");

        if (codes == NULL)
          return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "counties is not a list");
        geom = union_of_codes (loader, codes, f->counties, error);
        if (geom == NULL)
          return FALSE;
        f->shape = ATLAS_SHAPE_POLYGON;
        break;
      }

    case ATLAS_SOURCE_RING:
      {
        JsonObject *ring = get_object (o, "ring");
        JsonNode *centre = ring != NULL ? json_object_get_member (ring, "centre") : NULL;
        const AtlasPlace *place;
        double radius;

        if (centre == NULL || !get_number (ring, "radius_km", &radius) || radius <= 0 || radius > 500)
          return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                            "ring needs a centre and a radius_km between 0 and 500");
        if ((place = lookup_place (loader, centre, error)) == NULL)
          return FALSE;
        if (!f->schematic)
          return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                            "a ring is schematic: mark it \"schematic\": true");
        if (f->layer->kind == ATLAS_OVERLAY_LINE)
          {
            /* a ring corridor is a line, not a disc: nothing inside it is "on" it */
            GEOSGeometry *disc = circle_polygon (ctx, place->lon, place->lat, radius);

            geom = GEOSGeom_clone_r (ctx, GEOSGetExteriorRing_r (ctx, disc));
            GEOSGeom_destroy_r (ctx, disc);
            f->shape = ATLAS_SHAPE_LINE;
            break;
          }
        geom = circle_polygon (ctx, place->lon, place->lat, radius);
        f->shape = ATLAS_SHAPE_POLYGON;
        break;
      }

    case ATLAS_SOURCE_GEOMETRY:
      {
        JsonObject *g = get_object (o, "geometry");

        if (g == NULL)
          return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "geometry is not an object");
        geom = geometry_from_json (loader, g, &f->shape, error);
        if (geom == NULL)
          return FALSE;
        break;
      }

    case ATLAS_SOURCE_PATH:
      {
        JsonArray *ids = get_array (o, "path");
        guint n = ids != NULL ? json_array_get_length (ids) : 0;
        g_autofree double *lonlat = NULL;
        GeomBuilder builder;

        if (n < 2)
          return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                            "a path needs at least two gazetteer ids");
        lonlat = g_new (double, 2 * n);
        for (guint i = 0; i < n; i++)
          {
            const AtlasPlace *place = lookup_place (loader, json_array_get_element (ids, i), error);

            if (place == NULL)
              return FALSE;
            lonlat[2 * i] = place->lon;
            lonlat[2 * i + 1] = place->lat;
          }
        for (guint b = 0; b < ATLAS_N_BANDS; b++)
          {
            builder_init (&builder);
            builder_add_part (&builder, lonlat, n);
            builder_finish (&builder, FALSE, &f->geom[b]);
          }
        f->shape = ATLAS_SHAPE_LINE;
        get_number (o, "band_km", &f->band_km);
        f->band_km = CLAMP (f->band_km, 0, 300);
        f->directed = get_bool (o, "directed");
        break;
      }

    case ATLAS_SOURCE_POINT:
      {
        const AtlasPlace *place = lookup_place (loader, json_object_get_member (o, "point"), error);

        if (place == NULL)
          return FALSE;
        f->shape = ATLAS_SHAPE_POINT;
        set_anchor (f, place->lon, place->lat);
        f->bbox = (AtlasRect) { f->anchor.x, f->anchor.y, f->anchor.x, f->anchor.y };
        if (place->county_code != 0)
          g_array_append_val (f->counties, place->county_code);
        return TRUE;
      }

    default:
      g_assert_not_reached ();
    }

  if (geom != NULL && f->shape == ATLAS_SHAPE_POLYGON)
    {
      polygons_to_bands (ctx, geom, f->geom, &f->area_km2);
      anchor_in_polygon (ctx, f, geom);
      f->geos = geom;
    }
  else if (geom != NULL)
    {
      lines_to_bands (ctx, geom, f->geom);
      GEOSGeom_destroy_r (ctx, geom);
      anchor_on_line (f);
    }
  else
    anchor_on_line (f);

  if (f->geom[ATLAS_N_BANDS - 1].n_features == 0)
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "the geometry is empty");
  f->bbox = f->geom[ATLAS_N_BANDS - 1].features[0].bbox;

  partial = get_array (o, "partial_counties");
  if (partial != NULL && json_array_get_length (partial) > 0)
    {
      GEOSGeometry *pgeom = union_of_codes (loader, partial, f->partial_counties, error);

      if (pgeom == NULL)
        return FALSE;
      polygons_to_bands (ctx, pgeom, f->partial_geom, NULL);
      GEOSGeom_destroy_r (ctx, pgeom);
    }

  return TRUE;
}

static gboolean
parse_feature (Loader             *loader,
               JsonNode           *node,
               AtlasOverlayLayer  *layer,
               GError            **error)
{
  AtlasOverlays *self = loader->self;
  AtlasOverlayFeature *f;
  JsonObject *o;
  const char *class_id;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                      "layer “%s”: a feature is not an object", layer->id);
  o = json_node_get_object (node);

  f = g_new0 (AtlasOverlayFeature, 1);
  f->stated_area_km2 = NAN;
  f->area_km2 = NAN;
  f->layer = layer;
  f->index = self->features->len;
  g_ptr_array_add (self->features, f);

  if (!get_names (loader, o, "feature", &f->id, &f->name_zh, &f->name_en, error))
    return FALSE;
  loader->feature = f->id;

  if (g_hash_table_contains (self->feature_index, f->id))
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "the id is used twice");
  g_hash_table_insert (self->feature_index, f->id, f);

  class_id = get_string (o, "class");
  for (guint i = 0; class_id != NULL && i < layer->styles->len; i++)
    if (g_str_equal (((AtlasOverlayStyle *) layer->styles->pdata[i])->id, class_id))
      f->style = layer->styles->pdata[i];
  if (f->style == NULL)
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_REFERENCE,
                      "class “%s” is not a style class of layer “%s”",
                      class_id != NULL ? class_id : "(none)", layer->id);

  if (!get_plan_refs (loader, o, TRUE, &f->plan_refs, error))
    return FALSE;
  f->schematic = get_bool (o, "schematic");
  f->note = g_strdup (get_string (o, "note"));
  if (json_object_has_member (o, "stated_area_km2")
      && (!get_number (o, "stated_area_km2", &f->stated_area_km2) || f->stated_area_km2 <= 0))
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "stated_area_km2 is not a positive number");

  if (!resolve_geometry (loader, o, f, error))
    return FALSE;

  g_ptr_array_add (layer->features, f);
  loader->feature = NULL;
  return TRUE;
}

static gboolean
parse_layer (Loader             *loader,
             JsonNode           *node,
             AtlasOverlayGroup  *group,
             GError            **error)
{
  AtlasOverlays *self = loader->self;
  AtlasOverlayLayer *layer;
  JsonObject *o, *style, *classes;
  JsonArray *features;
  const char *kind;
  guint v;

  if (!JSON_NODE_HOLDS_OBJECT (node))
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "a layer is not an object");
  o = json_node_get_object (node);

  layer = g_new0 (AtlasOverlayLayer, 1);
  layer->group = group;
  layer->styles = g_ptr_array_new_with_free_func (style_free);
  layer->features = g_ptr_array_new ();
  layer->index = self->layers->len;
  g_ptr_array_add (self->layers, layer);

  if (!get_names (loader, o, "layer", &layer->id, &layer->name_zh, &layer->name_en, error))
    return FALSE;
  if (g_hash_table_contains (self->layer_index, layer->id))
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "layer id “%s” is used twice",
                      layer->id);
  g_hash_table_insert (self->layer_index, layer->id, layer);
  if (!get_plan_refs (loader, o, FALSE, &layer->plan_refs, error))
    return FALSE;

  style = get_object (o, "style");
  classes = style != NULL ? get_object (style, "classes") : NULL;
  kind = style != NULL ? get_string (style, "kind") : NULL;
  if (kind == NULL || classes == NULL)
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                      "layer “%s” needs a style with a kind and classes", layer->id);
  if (!lookup_enum (kind, kind_names, G_N_ELEMENTS (kind_names), &v))
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                      "layer “%s”: unknown style kind “%s”", layer->id, kind);
  layer->kind = v;

  {
    g_autoptr(GList) members = json_object_get_members (classes);

    for (GList *l = members; l != NULL; l = l->next)
      {
        JsonObject *c = get_object (classes, l->data);
        AtlasOverlayStyle *s = NULL;

        if (c == NULL)
          return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                            "layer “%s”: style class “%s” is not an object", layer->id,
                            (char *) l->data);
        if (!parse_style (loader, l->data, c, &s, error))
          {
            style_free (s);
            return FALSE;
          }
        g_ptr_array_add (layer->styles, s);
      }
  }

  features = get_array (o, "features");
  if (features == NULL)
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "layer “%s” has no features",
                      layer->id);
  for (guint i = 0; i < json_array_get_length (features); i++)
    if (!parse_feature (loader, json_array_get_element (features, i), layer, error))
      return FALSE;

  g_ptr_array_add (group->layers, layer);
  return TRUE;
}

static gboolean
parse_group (Loader      *loader,
             GBytes      *bytes,
             GError     **error)
{
  AtlasOverlays *self = loader->self;
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local = NULL;
  AtlasOverlayGroup *group;
  JsonObject *root;
  JsonArray *layers;
  double order = 0;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);

  if (!json_parser_load_from_data (parser, data, size, &local))
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "malformed JSON: %s",
                      local->message);
  if (json_parser_get_root (parser) == NULL || !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "the top level is not an object");
  root = json_node_get_object (json_parser_get_root (parser));

  group = g_new0 (AtlasOverlayGroup, 1);
  group->layers = g_ptr_array_new ();
  g_ptr_array_add (self->groups, group);

  if (!get_names (loader, root, "group", &group->id, &group->name_zh, &group->name_en, error))
    return FALSE;
  if (g_hash_table_contains (self->group_index, group->id))
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "group id “%s” is used twice",
                      group->id);
  g_hash_table_insert (self->group_index, group->id, group);
  get_number (root, "order", &order);
  group->order = (int) order;
  if (!get_plan_refs (loader, root, FALSE, &group->plan_refs, error))
    return FALSE;

  layers = get_array (root, "layers");
  if (layers == NULL || json_array_get_length (layers) == 0)
    return set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "no layers");
  for (guint i = 0; i < json_array_get_length (layers); i++)
    if (!parse_layer (loader, json_array_get_element (layers, i), group, error))
      return FALSE;

  return TRUE;
}

static int
compare_groups (gconstpointer a,
                gconstpointer b)
{
  const AtlasOverlayGroup *ga = *(AtlasOverlayGroup **) a, *gb = *(AtlasOverlayGroup **) b;

  return ga->order != gb->order ? (ga->order < gb->order ? -1 : 1) : g_strcmp0 (ga->id, gb->id);
}

typedef struct
{
  char   *name;
  GBytes *bytes;
} NamedBytes;

static void
named_bytes_clear (gpointer data)
{
  NamedBytes *nb = data;

  g_free (nb->name);
  g_bytes_unref (nb->bytes);
}

static int
compare_named (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (((NamedBytes *) a)->name, ((NamedBytes *) b)->name);
}

/* Loading runs on up to two threads, a file at a time: each file makes a
 * partial set of groups, layers and features (with its own GEOS context),
 * merged in file order afterwards, so the result and its errors do not
 * depend on the threads. */

typedef struct
{
  GArray         *files;      /* NamedBytes, sorted */
  AtlasOverlays **partials;   /* one per file */
  GError        **errors;     /* one per file */
  AtlasBasemap   *basemap;
  AtlasGazetteer *gazetteer;
  AtlasPlan      *plan;
  UnionCache     *cache;
  gint            next;
} LoadJob;

static gpointer
load_files_thread (gpointer data)
{
  LoadJob *job = data;
  GHashTable *county_geoms = g_hash_table_new (NULL, NULL);
  GEOSContextHandle_t cache_ctx = NULL;
  guint i;

  while ((i = (guint) g_atomic_int_add (&job->next, 1)) < job->files->len)
    {
      NamedBytes *nb = &g_array_index (job->files, NamedBytes, i);
      AtlasOverlays *partial = g_object_new (ATLAS_TYPE_OVERLAYS, NULL);
      Loader loader = { partial, job->basemap, job->gazetteer, job->plan, county_geoms, nb->name, NULL,
                        job->cache };

      /* the county cache's geometries outlive this file's context: GEOS
       * keeps a factory alive while its geometries are */
      if (cache_ctx == NULL)
        cache_ctx = GEOS_init_r ();
      job->partials[i] = partial;
      parse_group (&loader, nb->bytes, &job->errors[i]);
    }

  if (cache_ctx != NULL)
    {
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, county_geoms);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        GEOSGeom_destroy_r (cache_ctx, value);
      GEOS_finish_r (cache_ctx);
    }
  g_hash_table_unref (county_geoms);
  return NULL;
}

/* The first id of @items already in @index. Features, layers and groups
 * all start with their id. */
static const char *
first_clash (GPtrArray  *items,
             GHashTable *index)
{
  for (guint i = 0; i < items->len; i++)
    {
      const char *id = *(const char * const *) g_ptr_array_index (items, i);

      if (g_hash_table_contains (index, id))
        return id;
    }
  return NULL;
}

/* Whether a file's ids clash with those already merged. */
static gboolean
check_partial (AtlasOverlays  *self,
               AtlasOverlays  *partial,
               const char     *file,
               GError        **error)
{
  const char *id;

  if ((id = first_clash (partial->features, self->feature_index)) != NULL)
    g_set_error (error, ATLAS_OVERLAYS_ERROR, ATLAS_OVERLAYS_ERROR_SYNTAX,
                 "%s: feature “%s”: the id is used twice", file, id);
  else if ((id = first_clash (partial->layers, self->layer_index)) != NULL)
    g_set_error (error, ATLAS_OVERLAYS_ERROR, ATLAS_OVERLAYS_ERROR_SYNTAX,
                 "%s: layer id “%s” is used twice", file, id);
  else if ((id = first_clash (partial->groups, self->group_index)) != NULL)
    g_set_error (error, ATLAS_OVERLAYS_ERROR, ATLAS_OVERLAYS_ERROR_SYNTAX,
                 "%s: group id “%s” is used twice", file, id);
  return id == NULL;
}

/* Moves a checked file's groups, layers and features into @self. */
static void
merge_partial (AtlasOverlays *self,
               AtlasOverlays *partial)
{
  gsize n;
  gpointer *items;

  items = g_ptr_array_steal (partial->features, &n);
  for (gsize i = 0; i < n; i++)
    {
      AtlasOverlayFeature *f = items[i];

      f->index = self->features->len;
      g_ptr_array_add (self->features, f);
      g_hash_table_insert (self->feature_index, f->id, f);
    }
  g_free (items);

  items = g_ptr_array_steal (partial->layers, &n);
  for (gsize i = 0; i < n; i++)
    {
      AtlasOverlayLayer *l = items[i];

      l->index = self->layers->len;
      g_ptr_array_add (self->layers, l);
      g_hash_table_insert (self->layer_index, l->id, l);
    }
  g_free (items);

  items = g_ptr_array_steal (partial->groups, &n);
  for (gsize i = 0; i < n; i++)
    {
      AtlasOverlayGroup *g = items[i];

      g_ptr_array_add (self->groups, g);
      g_hash_table_insert (self->group_index, g->id, g);
    }
  g_free (items);
}

/* With @problems, a broken file is left out and its error added there;
 * without, the first error fails the whole load. */
static AtlasOverlays *
load (GArray          *files,
      AtlasBasemap    *basemap,
      AtlasGazetteer  *gazetteer,
      AtlasPlan       *plan,
      GPtrArray       *problems,
      GError         **error)
{
  g_autoptr(AtlasOverlays) self = g_object_new (ATLAS_TYPE_OVERLAYS, NULL);
  LoadJob job = { files, NULL, NULL, basemap, gazetteer, plan, NULL, 0 };
  guint n_threads = CLAMP (g_get_num_processors (), 1, 2);
  GThread *helper = NULL;
  gboolean ok = TRUE;

  g_array_sort (files, compare_named);
  job.cache = union_cache_open (basemap);
  job.partials = g_new0 (AtlasOverlays *, MAX (files->len, 1));
  job.errors = g_new0 (GError *, MAX (files->len, 1));

  if (n_threads > 1 && files->len > 1)
    helper = g_thread_new ("atlas-load-layers", load_files_thread, &job);
  load_files_thread (&job);
  if (helper != NULL)
    g_thread_join (helper);
  union_cache_close (job.cache);

  for (guint i = 0; i < files->len; i++)
    {
      NamedBytes *nb = &g_array_index (files, NamedBytes, i);
      GError *file_error = g_steal_pointer (&job.errors[i]);

      if (ok && file_error == NULL)
        check_partial (self, job.partials[i], nb->name, &file_error);
      if (ok && file_error == NULL)
        merge_partial (self, job.partials[i]);
      else if (ok && problems != NULL)
        g_ptr_array_add (problems, g_strdup (file_error->message));
      else if (ok)
        {
          g_propagate_error (error, g_steal_pointer (&file_error));
          ok = FALSE;
        }
      g_clear_error (&file_error);
      g_clear_object (&job.partials[i]);
    }
  g_free (job.partials);
  g_free (job.errors);

  if (!ok)
    return NULL;

  g_ptr_array_sort (self->groups, compare_groups);
  return g_steal_pointer (&self);
}

/**
 * atlas_overlays_new_from_resource:
 * @problems: (nullable): where to add the errors of files left out; with
 *   %NULL any error fails the load
 */
AtlasOverlays *
atlas_overlays_new_from_resource (const char      *resource_path,
                                  AtlasBasemap    *basemap,
                                  AtlasGazetteer  *gazetteer,
                                  AtlasPlan       *plan,
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
  return load (files, basemap, gazetteer, plan, problems, error);
}

AtlasOverlays *
atlas_overlays_new_from_directory (GFile           *directory,
                                   AtlasBasemap    *basemap,
                                   AtlasGazetteer  *gazetteer,
                                   AtlasPlan       *plan,
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
  return load (files, basemap, gazetteer, plan, problems, error);
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
          half += MIN (f->band_km * 500.0 / (EARTH_CIRCUMFERENCE_M * cos (f->anchor_lat * G_PI / 180)),
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
  GEOSGeometry *county = geos_from_feature (self->geos, layer, unit);
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

const char *
atlas_overlay_kind_to_string (AtlasOverlayKind kind)
{
  return kind < G_N_ELEMENTS (kind_names) ? kind_names[kind] : NULL;
}

const char *
atlas_geometry_source_to_string (AtlasGeometrySource source)
{
  return source < G_N_ELEMENTS (source_names) ? source_names[source] : NULL;
}

static int
hit_rank (const AtlasOverlayFeature *f)
{
  return f->shape == ATLAS_SHAPE_POINT ? 0 : f->shape == ATLAS_SHAPE_LINE ? 1 : 2;
}

/**
 * atlas_overlays_hit:
 * @visible: per layer, whether it is shown
 *
 * The feature under a world point among the visible layers: symbols before
 * lines before zones, and of several zones the smallest.
 *
 * Returns: (nullable) (transfer none): the feature hit
 */
AtlasOverlayFeature *
atlas_overlays_hit (AtlasOverlays  *self,
                    const gboolean *visible,
                    double          world_x,
                    double          world_y,
                    double          zoom,
                    double          tolerance_px)
{
  return atlas_overlays_hit_full (self, visible, NULL, world_x, world_y, zoom, tolerance_px);
}

/**
 * atlas_overlays_hit_full:
 * @hidden: (nullable): per feature, switched off within a shown layer
 */
AtlasOverlayFeature *
atlas_overlays_hit_full (AtlasOverlays  *self,
                         const gboolean *visible,
                         const gboolean *hidden,
                         double          world_x,
                         double          world_y,
                         double          zoom,
                         double          tolerance_px)
{
  AtlasOverlayFeature *best = NULL;

  for (guint i = 0; i < self->features->len; i++)
    {
      AtlasOverlayFeature *f = g_ptr_array_index (self->features, i);

      if (!visible[f->layer->index] || (hidden != NULL && hidden[f->index]))
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
