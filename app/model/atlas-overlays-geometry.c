/* atlas-overlays-geometry.c — the overlay features' geometry: county unions,
 * paths, rings, points and explicit GeoJSON, turned into GEOS geometry and
 * the per-band simplified layers the renderer draws */

#include "atlas-overlays-private.h"
#include "atlas-data-error.h"

#include <math.h>

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
GEOSGeometry *
atlas_overlays_geos_from_feature (GEOSContextHandle_t   ctx,
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
          geom = atlas_overlays_geos_from_feature (ctx, layer, &layer->features[i]);
    }
  else
    {
      layer = atlas_basemap_get_layer (loader->basemap,
                                       code % 100 == 0 ? ATLAS_LAYER_PREFECTURES : ATLAS_LAYER_COUNTIES,
                                       ATLAS_N_BANDS - 1);
      for (guint i = 0; i < layer->n_features && geom == NULL; i++)
        if (layer->features[i].code == code)
          geom = atlas_overlays_geos_from_feature (ctx, layer, &layer->features[i]);
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

/* The points of a line or ring as lon, lat pairs (*n of them), or NULL
 * when it has fewer than @min_points. */
static double *
lonlat_of (GEOSContextHandle_t  ctx,
           const GEOSGeometry  *geom,
           unsigned int         min_points,
           unsigned int        *n)
{
  const GEOSCoordSequence *seq = GEOSGeom_getCoordSeq_r (ctx, geom);
  double *lonlat;

  *n = 0;
  GEOSCoordSeq_getSize_r (ctx, seq, n);
  if (*n < min_points)
    return NULL;
  lonlat = g_new (double, 2 * *n);
  for (unsigned int i = 0; i < *n; i++)
    GEOSCoordSeq_getXY_r (ctx, seq, i, &lonlat[2 * i], &lonlat[2 * i + 1]);
  return lonlat;
}

static double
ring_area_km2 (GEOSContextHandle_t  ctx,
               const GEOSGeometry  *ring)
{
  unsigned int n;
  g_autofree double *lonlat = lonlat_of (ctx, ring, 4, &n);

  return lonlat != NULL ? atlas_geo_ring_area_m2 (lonlat, n - 1) / 1e6 : 0;
}

static void
add_line_part (GEOSContextHandle_t  ctx,
               const GEOSGeometry  *line,
               GeomBuilder         *b)
{
  unsigned int n;
  g_autofree double *lonlat = lonlat_of (ctx, line, 2, &n);

  if (lonlat != NULL)
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

/* The unions of counties, kept on disk between runs (atlas-union-cache.c):
 * the file is named by a digest of the base map's unit polygons. */

static void
digest_layer (GChecksum            *sum,
              const AtlasGeomLayer *layer)
{
  g_checksum_update (sum, (const guchar *) &layer->n_features, sizeof layer->n_features);
  for (guint i = 0; i < layer->n_features; i++)
    g_checksum_update (sum, (const guchar *) &layer->features[i].code, sizeof (guint32));
  g_checksum_update (sum, (const guchar *) layer->points, (gsize) layer->n_points * sizeof (AtlasPoint));
}

/* The cache in @cache_dir, named by the base map's units; none without a folder */
AtlasUnionCache *
atlas_overlays_union_cache_open (AtlasBasemap *basemap,
                                 GFile        *cache_dir)
{
  g_autofree char *dir = cache_dir != NULL ? g_file_get_path (cache_dir) : NULL;
  g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);

  if (dir == NULL)
    return atlas_union_cache_open (NULL, NULL);
  g_checksum_update (sum, (const guchar *) "ATLU", 4);
  digest_layer (sum, atlas_basemap_get_layer (basemap, ATLAS_LAYER_COUNTIES, ATLAS_N_BANDS - 1));
  digest_layer (sum, atlas_basemap_get_layer (basemap, ATLAS_LAYER_PREFECTURES, ATLAS_N_BANDS - 1));
  digest_layer (sum, atlas_basemap_get_layer (basemap, ATLAS_LAYER_PROVINCES, ATLAS_N_BANDS - 1));
  return atlas_union_cache_open (dir, g_checksum_get_string (sum));
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

/* The county, prefecture or province codes of a list into @units (each
 * once) and their member counties into @members. */
static gboolean
read_codes (Loader      *loader,
            JsonArray   *codes,
            GArray      *units,
            GArray      *members,
            GError     **error)
{
  if (json_array_get_length (codes) > MAX_CODES)
    {
      atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "more than %u county codes",
                                MAX_CODES);
      return FALSE;
    }
  for (guint i = 0; i < json_array_get_length (codes); i++)
    {
      JsonNode *node = json_array_get_element (codes, i);
      const char *text;
      guint64 code;
      guint32 code32;

      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        {
          atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                    "county codes must be strings");
          return FALSE;
        }
      text = json_node_get_string (node);
      if (!g_ascii_string_to_unsigned (text, 10, 100000, 999999, &code, NULL)
          || !expand_code (loader, code, members))
        {
          atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_REFERENCE,
                                    "unknown county code “%s”", text);
          return FALSE;
        }
      code32 = code;
      for (guint k = 0; k < units->len; k++)
        if (g_array_index (units, guint32, k) == code32)
          {
            atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                      "county code “%s” is listed twice", text);
            return FALSE;
          }
      g_array_append_val (units, code32);
    }

  if (units->len == 0)
    {
      atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "an empty list of counties");
      return FALSE;
    }
  return TRUE;
}

/* The union of the units' geometries; @overlapping when a unit is named
 * twice (a province and one of its counties). */
static GEOSGeometry *
union_of_units (Loader      *loader,
                GArray      *units,
                gboolean     overlapping,
                GError     **error)
{
  GEOSContextHandle_t ctx = loader->self->geos;
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  GEOSGeometry *coll, *result;

  for (guint i = 0; i < units->len; i++)
    {
      const GEOSGeometry *unit = unit_geometry (loader, g_array_index (units, guint32, i));

      if (unit == NULL)
        {
          atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_REFERENCE,
                                    "unknown county code “%06u”",
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
  result = overlapping ? NULL : GEOSCoverageUnion_r (ctx, coll);
  if (result == NULL || !GEOSisValid_r (ctx, result))
    {
      if (result != NULL)
        GEOSGeom_destroy_r (ctx, result);
      result = GEOSUnaryUnion_r (ctx, coll);
    }
  GEOSGeom_destroy_r (ctx, coll);
  if (result == NULL)
    {
      atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY,
                                "the union of its counties failed");
      return NULL;
    }
  return result;

fail:
  for (guint i = 0; i < parts->len; i++)
    GEOSGeom_destroy_r (ctx, parts->pdata[i]);
  return NULL;
}

static GEOSGeometry *
union_of_codes (Loader      *loader,
                JsonArray   *codes,
                GArray      *members,
                GError     **error)
{
  GEOSContextHandle_t ctx = loader->self->geos;
  guint first_member = members->len;
  g_autoptr(GArray) units = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autofree char *key = NULL;
  GEOSGeometry *result;

  if (!read_codes (loader, codes, units, members, error))
    return NULL;
  key = union_key (units);
  result = atlas_union_cache_lookup (loader->cache, ctx, key);
  if (result != NULL)
    return result;

  result = union_of_units (loader, units, has_duplicates (members, first_member), error);
  if (result == NULL)
    return NULL;
  result = remove_slivers (ctx, result);
  atlas_union_cache_store (loader->cache, ctx, key, result);
  return result;
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
      atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "gazetteer ids must be strings");
      return NULL;
    }
  id = json_node_get_string (node);
  place = atlas_gazetteer_lookup (loader->gazetteer, id);
  if (place == NULL)
    atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_REFERENCE, "unknown gazetteer id “%s”", id);
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

static double
orientation (const double *a,
             const double *b,
             const double *c)
{
  return (b[0] - a[0]) * (c[1] - a[1]) - (b[1] - a[1]) * (c[0] - a[0]);
}

/* Whether a ring's edges cross each other more than MAX_CROSSINGS times:
 * repairing such a ring (GEOSMakeValid) takes minutes and gigabytes, and
 * GEOS cannot be interrupted in all of it. Plain O(n²) over at most
 * MAX_POINTS points, stopping at the limit. */
static gboolean
ring_crosses_itself_often (GEOSContextHandle_t        ctx,
                           const GEOSCoordSequence   *seq,
                           guint                      n)
{
  g_autofree double *xy = g_new (double, 2 * (gsize) n);
  guint crossings = 0;

  GEOSCoordSeq_copyToBuffer_r (ctx, seq, xy, FALSE, FALSE);
  for (guint i = 0; i + 1 < n; i++)
    for (guint j = i + 2; j + 1 < n; j++)
      {
        const double *a = xy + 2 * i, *b = a + 2, *c = xy + 2 * j, *d = c + 2;

        if (i == 0 && j + 2 == n)
          continue;  /* the closing edge meets the first one */
        if (orientation (a, b, c) * orientation (a, b, d) < 0
            && orientation (c, d, a) * orientation (c, d, b) < 0
            && ++crossings > MAX_CROSSINGS)
          return TRUE;
      }
  return FALSE;
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
      atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "too few coordinates");
      return NULL;
    }
  if (n > MAX_POINTS)
    {
      atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY,
                                "more than %u coordinates in a line or ring",
                                MAX_POINTS);
      return NULL;
    }
  seq = GEOSCoordSeq_create_r (ctx, n, 2);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *pt = json_array_get_element (array, i);
      JsonArray *xy;
      double x, y;

      if (!JSON_NODE_HOLDS_ARRAY (pt) || json_array_get_length (xy = json_node_get_array (pt)) < 2
          || !atlas_json_node_is_number (json_array_get_element (xy, 0))
          || !atlas_json_node_is_number (json_array_get_element (xy, 1)))
        {
          GEOSCoordSeq_destroy_r (ctx, seq);
          atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY,
                                    "a coordinate is not [lon, lat]");
          return NULL;
        }
      x = json_array_get_double_element (xy, 0);
      y = json_array_get_double_element (xy, 1);
      if (!isfinite (x) || !isfinite (y) || fabs (x) > 180 || fabs (y) > 85)
        {
          GEOSCoordSeq_destroy_r (ctx, seq);
          atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY,
                                    "a coordinate is out of range");
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
  if (ring && ring_crosses_itself_often (ctx, seq, n))
    {
      GEOSCoordSeq_destroy_r (ctx, seq);
      atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY,
                                "a ring crosses itself more than %u times",
                                MAX_CROSSINGS);
      return NULL;
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
            atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "a ring is not an array");
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
      atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "a polygon without rings");
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
  const char *type = atlas_json_get_string (o, "type");
  JsonArray *coords = atlas_json_get_array (o, "coordinates");
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();
  gboolean polygons = g_strcmp0 (type, "Polygon") == 0 || g_strcmp0 (type, "MultiPolygon") == 0;
  gboolean multi = g_strcmp0 (type, "MultiPolygon") == 0 || g_strcmp0 (type, "MultiLineString") == 0;
  GEOSGeometry *geom;

  if (type == NULL || coords == NULL)
    {
      atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY,
                                "geometry without type or coordinates");
      return NULL;
    }
  if (!polygons && g_strcmp0 (type, "LineString") != 0 && g_strcmp0 (type, "MultiLineString") != 0)
    {
      atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY,
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
              atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY,
                                        "malformed coordinates");
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

/* "counties": the union of the listed counties, prefectures or provinces. */
static gboolean
counties_geometry (Loader               *loader,
                   JsonObject           *o,
                   AtlasOverlayFeature  *f,
                   GEOSGeometry        **geom,
                   GError              **error)
{
  JsonArray *codes = atlas_json_get_array (o, "counties");

  if (codes == NULL)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "counties is not a list");
  *geom = union_of_codes (loader, codes, f->counties, error);
  if (*geom == NULL)
    return FALSE;
  f->shape = ATLAS_SHAPE_POLYGON;
  return TRUE;
}

/* "ring": a schematic circle around a gazetteer place; a disc, or its
 * outline in a line layer. */
static gboolean
ring_geometry (Loader               *loader,
               JsonObject           *o,
               AtlasOverlayFeature  *f,
               GEOSGeometry        **geom,
               GError              **error)
{
  GEOSContextHandle_t ctx = loader->self->geos;
  JsonObject *ring = atlas_json_get_object (o, "ring");
  JsonNode *centre = ring != NULL ? json_object_get_member (ring, "centre") : NULL;
  const AtlasPlace *place;
  double radius;

  if (centre == NULL || !atlas_json_get_number (ring, "radius_km", &radius) || radius <= 0 || radius > 500)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "ring needs a centre and a radius_km between 0 and 500");
  if ((place = lookup_place (loader, centre, error)) == NULL)
    return FALSE;
  if (!f->schematic)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "a ring is schematic: mark it \"schematic\": true");
  if (f->layer->kind == ATLAS_OVERLAY_LINE)
    {
      /* a ring corridor is a line, not a disc: nothing inside it is "on" it */
      GEOSGeometry *disc = circle_polygon (ctx, place->lon, place->lat, radius);

      *geom = GEOSGeom_clone_r (ctx, GEOSGetExteriorRing_r (ctx, disc));
      GEOSGeom_destroy_r (ctx, disc);
      f->shape = ATLAS_SHAPE_LINE;
      return TRUE;
    }
  *geom = circle_polygon (ctx, place->lon, place->lat, radius);
  f->shape = ATLAS_SHAPE_POLYGON;
  return TRUE;
}

/* "geometry": an explicit GeoJSON geometry. */
static gboolean
explicit_geometry (Loader               *loader,
                   JsonObject           *o,
                   AtlasOverlayFeature  *f,
                   GEOSGeometry        **geom,
                   GError              **error)
{
  JsonObject *g = atlas_json_get_object (o, "geometry");

  if (g == NULL)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX, "geometry is not an object");
  *geom = geometry_from_json (loader, g, &f->shape, error);
  return *geom != NULL;
}

/* "path": a line through gazetteer places, the same in every band; no GEOS
 * geometry (*geom stays NULL). */
static gboolean
path_geometry (Loader               *loader,
               JsonObject           *o,
               AtlasOverlayFeature  *f,
               GError              **error)
{
  JsonArray *ids = atlas_json_get_array (o, "path");
  guint n = ids != NULL ? json_array_get_length (ids) : 0;
  g_autofree double *lonlat = NULL;
  GeomBuilder builder;

  if (n < 2)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
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
  atlas_json_get_number (o, "band_km", &f->band_km);
  f->band_km = CLAMP (f->band_km, 0, 300);
  f->directed = atlas_json_get_bool (o, "directed");
  return TRUE;
}

/* "point": a gazetteer place; complete in itself (no bands, no partial
 * counties). */
static gboolean
point_geometry (Loader               *loader,
                JsonObject           *o,
                AtlasOverlayFeature  *f,
                GError              **error)
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

/* The bands, label anchor and box of a feature from its GEOS geometry
 * (taken: kept as f->geos for a polygon, freed otherwise), or from the
 * bands a path already filled when @geom is NULL. */
static gboolean
finish_geometry (Loader               *loader,
                 AtlasOverlayFeature  *f,
                 GEOSGeometry         *geom,
                 GError              **error)
{
  GEOSContextHandle_t ctx = loader->self->geos;

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
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_GEOMETRY, "the geometry is empty");
  f->bbox = f->geom[ATLAS_N_BANDS - 1].features[0].bbox;
  return TRUE;
}

/* "partial_counties": counties the feature covers only in part. */
static gboolean
add_partial_counties (Loader               *loader,
                      JsonObject           *o,
                      AtlasOverlayFeature  *f,
                      GError              **error)
{
  GEOSContextHandle_t ctx = loader->self->geos;
  JsonArray *partial = atlas_json_get_array (o, "partial_counties");

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

/* A feature's geometry from whichever one source it names. */
gboolean
atlas_overlays_resolve_geometry (Loader               *loader,
                                 JsonObject           *o,
                                 AtlasOverlayFeature  *f,
                                 GError              **error)
{
  const char *keys[] = { "counties", "path", "ring", "point", "geometry" };
  guint n_keys = 0;
  GEOSGeometry *geom = NULL;
  gboolean ok;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (json_object_has_member (o, keys[i]))
      {
        f->source = i;
        n_keys++;
      }
  if (n_keys != 1)
    return atlas_overlays_set_error (error, loader, ATLAS_OVERLAYS_ERROR_SYNTAX,
                                     "needs exactly one geometry: counties, path, ring, point or geometry");

  f->counties = g_array_new (FALSE, FALSE, sizeof (guint32));
  f->partial_counties = g_array_new (FALSE, FALSE, sizeof (guint32));

  switch (f->source)
    {
    case ATLAS_SOURCE_COUNTIES:
      ok = counties_geometry (loader, o, f, &geom, error);
      break;
    case ATLAS_SOURCE_RING:
      ok = ring_geometry (loader, o, f, &geom, error);
      break;
    case ATLAS_SOURCE_GEOMETRY:
      ok = explicit_geometry (loader, o, f, &geom, error);
      break;
    case ATLAS_SOURCE_PATH:
      ok = path_geometry (loader, o, f, error);
      break;
    case ATLAS_SOURCE_POINT:
      return point_geometry (loader, o, f, error);
    default:
      g_assert_not_reached ();
    }

  return ok && finish_geometry (loader, f, geom, error) && add_partial_counties (loader, o, f, error);
}
