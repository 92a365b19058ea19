/* atlas-user-data.c — users' own GIS files, read with GDAL/OGR */

#include "config.h"

#include "atlas-user-data.h"

#include <geos_c.h>
#include <gdal.h>
#include <ogr_api.h>
#include <ogr_srs_api.h>
#include <cpl_error.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <math.h>
#include <string.h>

#define PROGRESS_EVERY 4096
/* data this large is freed on a thread of its own, not where the last reference drops */
#define FREE_IN_THREAD 20000
/* layers with more features get a grid index, of about this many per cell */
#define GRID_MIN_FEATURES 1000
#define GRID_PER_CELL 4
#define GRID_MAX_N 1024
#define GRID_MAX_CELLS_PER_FEATURE 256

G_DEFINE_QUARK (atlas-user-data-error-quark, atlas_user_data_error)

typedef struct
{
  const char          *path;
  const char          *display;    /* the file's base name, for messages */
  const AtlasCrs      *crs;
  GCancellable        *cancellable;
  AtlasUserDataProgress progress;
  gpointer             progress_data;
  AtlasUserData       *out;
  GEOSContextHandle_t  ctx;
  GEOSWKBReader       *reader;
  guint                done;
  gint64               total;      /* features in all layers, or <= 0 when unknown */
  GString             *scratch;    /* a feature's values, before they are copied in one block */
  GArray              *offsets;    /* gsize: where each value starts in scratch */
} Loader;

/* ---- China's offset coordinates (GCJ-02, BD-09) ---- */

#define GCJ_A 6378245.0
#define GCJ_EE 0.00669342162296594323
#define BD_X_PI (G_PI * 3000.0 / 180.0)

static gboolean
outside_china (double lon,
               double lat)
{
  return lon < 72.004 || lon > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

static double
gcj_lat_shift (double x,
               double y)
{
  double r = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * sqrt (fabs (x));

  r += (20.0 * sin (6.0 * x * G_PI) + 20.0 * sin (2.0 * x * G_PI)) * 2.0 / 3.0;
  r += (20.0 * sin (y * G_PI) + 40.0 * sin (y / 3.0 * G_PI)) * 2.0 / 3.0;
  r += (160.0 * sin (y / 12.0 * G_PI) + 320 * sin (y * G_PI / 30.0)) * 2.0 / 3.0;
  return r;
}

static double
gcj_lon_shift (double x,
               double y)
{
  double r = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * sqrt (fabs (x));

  r += (20.0 * sin (6.0 * x * G_PI) + 20.0 * sin (2.0 * x * G_PI)) * 2.0 / 3.0;
  r += (20.0 * sin (x * G_PI) + 40.0 * sin (x / 3.0 * G_PI)) * 2.0 / 3.0;
  r += (150.0 * sin (x / 12.0 * G_PI) + 300.0 * sin (x / 30.0 * G_PI)) * 2.0 / 3.0;
  return r;
}

void
atlas_wgs84_to_gcj02 (double  lon,
                      double  lat,
                      double *out_lon,
                      double *out_lat)
{
  double dlat, dlon, radlat, magic, sqrtmagic;

  if (outside_china (lon, lat))
    {
      *out_lon = lon;
      *out_lat = lat;
      return;
    }
  dlat = gcj_lat_shift (lon - 105.0, lat - 35.0);
  dlon = gcj_lon_shift (lon - 105.0, lat - 35.0);
  radlat = lat / 180.0 * G_PI;
  magic = sin (radlat);
  magic = 1 - GCJ_EE * magic * magic;
  sqrtmagic = sqrt (magic);
  dlat = (dlat * 180.0) / ((GCJ_A * (1 - GCJ_EE)) / (magic * sqrtmagic) * G_PI);
  dlon = (dlon * 180.0) / (GCJ_A / sqrtmagic * cos (radlat) * G_PI);
  *out_lon = lon + dlon;
  *out_lat = lat + dlat;
}

/* The inverse has no closed form: iterate on the forward shift (converges to
 * well under a millimetre in a few steps). */
void
atlas_gcj02_to_wgs84 (double  lon,
                      double  lat,
                      double *out_lon,
                      double *out_lat)
{
  double wlon = lon, wlat = lat;

  for (guint i = 0; i < 30; i++)
    {
      double glon, glat, elon, elat;

      atlas_wgs84_to_gcj02 (wlon, wlat, &glon, &glat);
      elon = glon - lon;
      elat = glat - lat;
      wlon -= elon;
      wlat -= elat;
      if (fabs (elon) < 1e-10 && fabs (elat) < 1e-10)
        break;
    }
  *out_lon = wlon;
  *out_lat = wlat;
}

void
atlas_gcj02_to_bd09 (double  lon,
                     double  lat,
                     double *out_lon,
                     double *out_lat)
{
  double z = sqrt (lon * lon + lat * lat) + 0.00002 * sin (lat * BD_X_PI);
  double theta = atan2 (lat, lon) + 0.000003 * cos (lon * BD_X_PI);

  *out_lon = z * cos (theta) + 0.0065;
  *out_lat = z * sin (theta) + 0.006;
}

void
atlas_bd09_to_gcj02 (double  lon,
                     double  lat,
                     double *out_lon,
                     double *out_lat)
{
  double x = lon - 0.0065, y = lat - 0.006;
  double z = sqrt (x * x + y * y) - 0.00002 * sin (y * BD_X_PI);
  double theta = atan2 (y, x) - 0.000003 * cos (x * BD_X_PI);

  *out_lon = z * cos (theta);
  *out_lat = z * sin (theta);
}

static int
gcj02_to_wgs84_cb (double *x,
                   double *y,
                   void   *data)
{
  atlas_gcj02_to_wgs84 (*x, *y, x, y);
  return 1;
}

static int
bd09_to_wgs84_cb (double *x,
                  double *y,
                  void   *data)
{
  atlas_bd09_to_gcj02 (*x, *y, x, y);
  atlas_gcj02_to_wgs84 (*x, *y, x, y);
  return 1;
}

gboolean
atlas_crs_parse (const char *text,
                 AtlasCrs   *crs,
                 GError    **error)
{
  g_autofree char *lower = g_ascii_strdown (text, -1);

  crs->epsg = 0;
  if (g_str_equal (lower, "auto"))
    crs->kind = ATLAS_CRS_AUTO;
  else if (g_str_equal (lower, "wgs84") || g_str_equal (lower, "cgcs2000"))
    crs->kind = ATLAS_CRS_WGS84;
  else if (g_str_equal (lower, "gcj02") || g_str_equal (lower, "gcj-02"))
    crs->kind = ATLAS_CRS_GCJ02;
  else if (g_str_equal (lower, "bd09") || g_str_equal (lower, "bd-09"))
    crs->kind = ATLAS_CRS_BD09;
  else if (g_str_has_prefix (lower, "epsg:"))
    {
      char *end;
      guint64 code = g_ascii_strtoull (lower + 5, &end, 10);

      if (*end != '\0' || end == lower + 5 || code == 0 || code > 999999)
        goto bad;
      crs->kind = ATLAS_CRS_EPSG;
      crs->epsg = (int) code;
    }
  else
    goto bad;
  return TRUE;

bad:
  g_set_error (error, ATLAS_USER_DATA_ERROR, ATLAS_USER_DATA_ERROR_ARGUMENT,
               _("--crs wants wgs84, gcj02, bd09 or EPSG:N; got “%s”"), text);
  return FALSE;
}

/* "auto", "wgs84", "gcj02", "bd09" or "EPSG:N": what atlas_crs_parse() reads. */
char *
atlas_crs_to_string (const AtlasCrs *crs)
{
  switch (crs->kind)
    {
    case ATLAS_CRS_WGS84: return g_strdup ("wgs84");
    case ATLAS_CRS_GCJ02: return g_strdup ("gcj02");
    case ATLAS_CRS_BD09: return g_strdup ("bd09");
    case ATLAS_CRS_EPSG: return g_strdup_printf ("EPSG:%d", crs->epsg);
    default: return g_strdup ("auto");
    }
}

const char *
atlas_user_shape_to_string (AtlasUserShape shape)
{
  switch (shape)
    {
    case ATLAS_USER_POINT: return "point";
    case ATLAS_USER_LINE: return "line";
    case ATLAS_USER_POLYGON: return "polygon";
    case ATLAS_USER_MIXED: return "mixed";
    default: return "?";
    }
}

/* ---- freeing ---- */

static void
feature_free (AtlasUserFeature    *f,
              GEOSContextHandle_t  ctx)
{
  if (f->geos != NULL)
    GEOSGeom_destroy_r (ctx, f->geos);
  g_free (f->values);   /* one block with the name */
  g_free (f);
}

static void
layer_free (AtlasUserLayer      *layer,
            GEOSContextHandle_t  ctx)
{
  for (guint i = 0; i < layer->features->len; i++)
    feature_free (g_ptr_array_index (layer->features, i), ctx);
  g_ptr_array_unref (layer->features);
  g_free (layer->grid_start);
  g_free (layer->grid_items);
  g_clear_pointer (&layer->large, g_array_unref);
  g_strfreev (layer->fields);
  g_free (layer->name);
  g_free (layer->file);
  g_free (layer);
}

static void
user_data_clear (AtlasUserData *self)
{
  for (guint i = 0; i < self->layers->len; i++)
    layer_free (g_ptr_array_index (self->layers, i), self->geos_context);
  g_ptr_array_unref (self->layers);
  GEOS_finish_r (self->geos_context);
  g_free (self->path);
  g_free (self->crs_note);
}

AtlasUserData *
atlas_user_data_ref (AtlasUserData *self)
{
  return g_atomic_rc_box_acquire (self);
}

static gpointer
clear_thread (gpointer data)
{
  user_data_clear (data);
  g_free (data);
  return NULL;
}

/* A million features take a tenth of a second to free: not on the main loop. */
static void
user_data_clear_later (AtlasUserData *self)
{
  AtlasUserData *copy;
  GThread *thread;

  if (self->n_features < FREE_IN_THREAD)
    {
      user_data_clear (self);
      return;
    }
  copy = g_memdup2 (self, sizeof *self);
  thread = g_thread_try_new ("atlas-user-free", clear_thread, copy, NULL);
  if (thread != NULL)
    g_thread_unref (thread);
  else
    clear_thread (copy);
}

void
atlas_user_data_free (AtlasUserData *self)
{
  if (self != NULL)
    g_atomic_rc_box_release_full (self, (GDestroyNotify) user_data_clear_later);
}

/* ---- reading ---- */

static gboolean
fail (GError    **error,
      Loader     *loader,
      int         code,
      const char *what)
{
  g_set_error (error, ATLAS_USER_DATA_ERROR, code, "%s: %s", loader->display, what);
  return FALSE;
}

/* GDAL's own last message, or the fallback. */
static const char *
gdal_message (const char *fallback)
{
  const char *msg = CPLGetLastErrorMsg ();

  return msg != NULL && *msg != '\0' ? msg : fallback;
}

static gboolean
has_suffix_ci (const char *path,
               const char *suffix)
{
  g_autofree char *lower = g_ascii_strdown (path, -1);

  return g_str_has_suffix (lower, suffix);
}

static gboolean
sibling_exists (const char *path,
                const char *ext_lower)
{
  g_autofree char *stem = g_strndup (path, strlen (path) - 4);
  g_autofree char *lower = g_strconcat (stem, ext_lower, NULL);
  g_autofree char *upper_ext = g_ascii_strup (ext_lower, -1);
  g_autofree char *upper = g_strconcat (stem, upper_ext, NULL);

  return g_file_test (lower, G_FILE_TEST_EXISTS) || g_file_test (upper, G_FILE_TEST_EXISTS);
}

/* What must be true before OGR sees the file: it exists, is not empty, and a
 * Shapefile has its attribute table. */
static gboolean
check_file (Loader  *loader,
            GError **error)
{
  GStatBuf st;

  if (g_stat (loader->path, &st) != 0)
    return fail (error, loader, ATLAS_USER_DATA_ERROR_OPEN, _("there is no such file"));
  if (S_ISDIR (st.st_mode))
    return TRUE;   /* a folder of Shapefiles is fine for OGR */
  if (st.st_size == 0)
    return fail (error, loader, ATLAS_USER_DATA_ERROR_OPEN, _("the file is empty (0 bytes)"));
  if (has_suffix_ci (loader->path, ".shp") && !sibling_exists (loader->path, ".dbf"))
    return fail (error, loader, ATLAS_USER_DATA_ERROR_READ,
                 _("the Shapefile’s attribute table (.dbf) is missing; copy it beside the .shp"));
  return TRUE;
}

static GDALDatasetH
open_dataset (Loader  *loader,
              GError **error)
{
  static const char *const csv_options[] = {
    "X_POSSIBLE_NAMES=lon,lng,long,longitude,x,经度,*_lon,*_lng,lon_*,lng_*",
    "Y_POSSIBLE_NAMES=lat,latitude,y,纬度,*_lat,lat_*",
    "KEEP_GEOM_COLUMNS=NO",
    NULL
  };
  gboolean csv = has_suffix_ci (loader->path, ".csv") || has_suffix_ci (loader->path, ".tsv")
                 || has_suffix_ci (loader->path, ".txt");
  g_autofree char *name = has_suffix_ci (loader->path, ".zip")
                          ? g_strconcat ("/vsizip/", loader->path, NULL)
                          : g_strdup (loader->path);
  GDALDatasetH ds;

  CPLErrorReset ();
  ds = GDALOpenEx (name, GDAL_OF_VECTOR | GDAL_OF_READONLY, NULL, csv ? csv_options : NULL, NULL);
  if (ds == NULL)
    {
      g_autofree char *what = g_strdup_printf (_("not a file of a format that can be read (%s)"),
                                               gdal_message (_("unknown format")));
      fail (error, loader, ATLAS_USER_DATA_ERROR_OPEN, what);
    }
  return ds;
}

/* The transformation of a layer's coordinates to WGS84 lon/lat, or NULL for
 * none. FALSE when the layer's CRS cannot be converted. */
static gboolean
make_transform (Loader                        *loader,
                OGRLayerH                      layer,
                OGRCoordinateTransformationH  *out,
                GError                       **error)
{
  OGRSpatialReferenceH declared = OGR_L_GetSpatialRef (layer);
  OGRSpatialReferenceH source = NULL, target;
  const char *name;

  *out = NULL;
  if (loader->crs->kind == ATLAS_CRS_EPSG)
    {
      source = OSRNewSpatialReference (NULL);
      if (OSRImportFromEPSG (source, loader->crs->epsg) != OGRERR_NONE)
        {
          g_autofree char *what = g_strdup_printf (_("EPSG:%d is not a known coordinate system"),
                                                   loader->crs->epsg);
          OSRDestroySpatialReference (source);
          return fail (error, loader, ATLAS_USER_DATA_ERROR_CRS, what);
        }
    }
  else if (declared != NULL && loader->crs->kind != ATLAS_CRS_WGS84)
    {
      if (OSRIsLocal (declared) || (!OSRIsGeographic (declared) && !OSRIsProjected (declared)))
        {
          g_autofree char *what = g_strdup_printf (_("its coordinate system “%s” is not a geographic "
                                                     "or projected one; give it with --crs=EPSG:N"),
                                                   OSRGetName (declared) ? OSRGetName (declared) : "?");
          return fail (error, loader, ATLAS_USER_DATA_ERROR_CRS, what);
        }
      source = OSRClone (declared);
    }
  if (source == NULL)
    return TRUE;

  OSRSetAxisMappingStrategy (source, OAMS_TRADITIONAL_GIS_ORDER);
  target = OSRNewSpatialReference (NULL);
  OSRImportFromEPSG (target, 4326);
  OSRSetAxisMappingStrategy (target, OAMS_TRADITIONAL_GIS_ORDER);
  name = OSRGetName (source);
  if (!OSRIsSame (source, target))
    {
      CPLErrorReset ();
      *out = OCTNewCoordinateTransformation (source, target);
      if (*out == NULL)
        {
          g_autofree char *what = g_strdup_printf (_("its coordinate system “%s” cannot be converted "
                                                     "to WGS84 (%s)"), name ? name : "?",
                                                   gdal_message ("?"));
          OSRDestroySpatialReference (source);
          OSRDestroySpatialReference (target);
          return fail (error, loader, ATLAS_USER_DATA_ERROR_CRS, what);
        }
      if (loader->out->crs_note == NULL)
        loader->out->crs_note = g_strdup_printf (_("converted from %s to WGS84"), name ? name : "?");
    }
  OSRDestroySpatialReference (source);
  OSRDestroySpatialReference (target);
  return TRUE;
}

static int
pick_name_field (OGRFeatureDefnH defn)
{
  static const char *const names[] = { "name", "名称", "title", "label", "标题", "地名", NULL };
  int n = OGR_FD_GetFieldCount (defn);

  for (guint k = 0; names[k] != NULL; k++)
    for (int i = 0; i < n; i++)
      if (g_ascii_strcasecmp (OGR_Fld_GetNameRef (OGR_FD_GetFieldDefn (defn, i)), names[k]) == 0)
        return i;
  for (int i = 0; i < n; i++)
    if (OGR_Fld_GetType (OGR_FD_GetFieldDefn (defn, i)) == OFTString)
      return i;
  return -1;
}

static AtlasUserShape
shape_of (GEOSContextHandle_t  ctx,
          const GEOSGeometry  *g)
{
  int type = GEOSGeomTypeId_r (ctx, g);

  if (type == GEOS_GEOMETRYCOLLECTION)
    {
      int n = GEOSGetNumGeometries_r (ctx, g);
      int dim = -1;

      for (int i = 0; i < n; i++)
        {
          int d = GEOSGeom_getDimensions_r (ctx, GEOSGetGeometryN_r (ctx, g, i));

          if (dim >= 0 && d != dim)
            return ATLAS_USER_MIXED;
          dim = d;
        }
      return dim == 2 ? ATLAS_USER_POLYGON : dim == 1 ? ATLAS_USER_LINE : ATLAS_USER_POINT;
    }
  switch (GEOSGeom_getDimensions_r (ctx, g))
    {
    case 0: return ATLAS_USER_POINT;
    case 1: return ATLAS_USER_LINE;
    default: return ATLAS_USER_POLYGON;
    }
}

/* An OGR geometry (already in lon/lat) as GEOS. */
static GEOSGeometry *
to_geos (Loader       *loader,
         OGRGeometryH  g)
{
  OGRwkbGeometryType type = wkbFlatten (OGR_G_GetGeometryType (g));
  g_autofree unsigned char *wkb = NULL;
  OGRGeometryH linear = NULL;
  GEOSGeometry *out;
  int size;

  if (type == wkbPoint)
    return GEOSGeom_createPointFromXY_r (loader->ctx, OGR_G_GetX (g, 0), OGR_G_GetY (g, 0));
  if (OGR_G_HasCurveGeometry (g, TRUE))
    g = linear = OGR_G_GetLinearGeometry (g, 0, NULL);
  OGR_G_FlattenTo2D (g);
  size = OGR_G_WkbSize (g);
  wkb = g_malloc (size);
  out = OGR_G_ExportToWkb (g, wkbNDR, wkb) == OGRERR_NONE
        ? GEOSWKBReader_read_r (loader->ctx, loader->reader, wkb, size) : NULL;
  if (linear != NULL)
    OGR_G_DestroyGeometry (linear);
  return out;
}

static gboolean
set_bbox (Loader             *loader,
          AtlasUserFeature   *f)
{
  double x0, y0, x1, y1;

  if (!GEOSGeom_getXMin_r (loader->ctx, f->geos, &x0) || !GEOSGeom_getYMin_r (loader->ctx, f->geos, &y0)
      || !GEOSGeom_getXMax_r (loader->ctx, f->geos, &x1) || !GEOSGeom_getYMax_r (loader->ctx, f->geos, &y1))
    return FALSE;
  if (!isfinite (x0) || !isfinite (x1) || !isfinite (y0) || !isfinite (y1)
      || x0 < -180 || x1 > 180 || y0 < -ATLAS_MAX_LATITUDE || y1 > ATLAS_MAX_LATITUDE)
    return FALSE;
  f->bbox.x0 = atlas_geo_lon_to_world_x (x0);
  f->bbox.x1 = atlas_geo_lon_to_world_x (x1);
  f->bbox.y0 = atlas_geo_lat_to_world_y (y1);
  f->bbox.y1 = atlas_geo_lat_to_world_y (y0);
  return TRUE;
}

/* The feature's values and its name, in one allocation: f->values is an
 * array of n_fields + 1 pointers followed by the strings; f->name points
 * among them. A million features save a few hundred bytes each. */
static gboolean
read_values (Loader            *loader,
             OGRFeatureH        feat,
             int                n_fields,
             int                name_field,
             AtlasUserFeature  *f,
             const char       **fields,
             GError           **error)
{
  gsize head = (n_fields + 1) * sizeof (char *), name_at;
  char *block;

  g_string_truncate (loader->scratch, 0);
  g_array_set_size (loader->offsets, 0);
  for (int i = 0; i < n_fields; i++)
    {
      const char *v = OGR_F_IsFieldSetAndNotNull (feat, i) ? OGR_F_GetFieldAsString (feat, i) : "";
      gsize at = loader->scratch->len;

      if (!g_utf8_validate (v, -1, NULL))
        {
          g_autofree char *what = g_strdup_printf (_("the attribute “%s” is not UTF-8 text; save the "
                                                     "file as UTF-8 (or give a Shapefile its .cpg)"),
                                                   fields[i]);
          return fail (error, loader, ATLAS_USER_DATA_ERROR_ENCODING, what);
        }
      g_array_append_val (loader->offsets, at);
      g_string_append_len (loader->scratch, v, strlen (v) + 1);
    }
  if (name_field >= 0 && loader->scratch->str[g_array_index (loader->offsets, gsize, name_field)] != '\0')
    name_at = g_array_index (loader->offsets, gsize, name_field);
  else
    {
      name_at = loader->scratch->len;
      g_string_append_printf (loader->scratch, "#%" G_GINT64_FORMAT, (gint64) OGR_F_GetFID (feat));
      g_string_append_c (loader->scratch, '\0');
    }
  block = g_malloc (head + loader->scratch->len);
  memcpy (block + head, loader->scratch->str, loader->scratch->len);
  f->values = (char **) block;
  for (int i = 0; i < n_fields; i++)
    f->values[i] = block + head + g_array_index (loader->offsets, gsize, i);
  f->values[n_fields] = NULL;
  f->name = block + head + name_at;
  return TRUE;
}

/* One OGR feature into the layer; FALSE with an error when it is broken.
 * Features without a geometry are skipped. */
static gboolean
read_feature (Loader                       *loader,
              AtlasUserLayer               *layer,
              OGRFeatureH                   feat,
              OGRCoordinateTransformationH  ct,
              int                           n_fields,
              GError                      **error)
{
  OGRGeometryH g = OGR_F_GetGeometryRef (feat);
  AtlasUserFeature *f;
  GEOSGeometry *geom;

  if (g == NULL || OGR_G_IsEmpty (g))
    return TRUE;
  if (ct != NULL && OGR_G_Transform (g, ct) != OGRERR_NONE)
    return fail (error, loader, ATLAS_USER_DATA_ERROR_CRS,
                 _("some coordinates cannot be converted to WGS84; is the coordinate system right?"));
  geom = to_geos (loader, g);
  if (geom == NULL)
    return fail (error, loader, ATLAS_USER_DATA_ERROR_READ, _("a geometry cannot be read"));
  if (loader->crs->kind == ATLAS_CRS_GCJ02 || loader->crs->kind == ATLAS_CRS_BD09)
    {
      GEOSGeometry *moved = GEOSGeom_transformXY_r (loader->ctx, geom,
                                                    loader->crs->kind == ATLAS_CRS_GCJ02
                                                    ? gcj02_to_wgs84_cb : bd09_to_wgs84_cb, NULL);
      GEOSGeom_destroy_r (loader->ctx, geom);
      geom = moved;
    }
  if (geom != NULL && GEOSGeom_getDimensions_r (loader->ctx, geom) == 2 && !GEOSisValid_r (loader->ctx, geom))
    {
      GEOSGeometry *valid = GEOSMakeValid_r (loader->ctx, geom);

      GEOSGeom_destroy_r (loader->ctx, geom);
      geom = valid;
      loader->out->n_repaired++;
    }
  if (geom == NULL)
    return fail (error, loader, ATLAS_USER_DATA_ERROR_READ, _("a geometry cannot be read"));

  f = g_new0 (AtlasUserFeature, 1);
  f->geos = geom;
  g_ptr_array_add (layer->features, f);
  if (!set_bbox (loader, f))
    return fail (error, loader, ATLAS_USER_DATA_ERROR_CRS,
                 _("its coordinates are not longitude/latitude and it declares no coordinate system; "
                   "give it with --crs=EPSG:N"));
  f->shape = shape_of (loader->ctx, geom);
  return read_values (loader, feat, n_fields, layer->name_field, f, (const char **) layer->fields, error);
}

static void
report_progress (Loader *loader)
{
  if (loader->progress != NULL && loader->total > 0)
    loader->progress (MIN (1.0, (double) loader->done / loader->total), loader->progress_data);
}

/* ---- the grid index ---- */

static guint
grid_cell (double x,
           double x0,
           double x1,
           guint  n)
{
  double w = MAX (x1 - x0, 1e-12) / n;
  double c = floor ((x - x0) / w);

  return (guint) CLAMP (c, 0, n - 1);
}

static void
grid_range (const AtlasUserLayer *layer,
            const AtlasRect      *r,
            guint                *cx0,
            guint                *cy0,
            guint                *cx1,
            guint                *cy1)
{
  *cx0 = grid_cell (r->x0, layer->bbox.x0, layer->bbox.x1, layer->grid_n);
  *cx1 = grid_cell (r->x1, layer->bbox.x0, layer->bbox.x1, layer->grid_n);
  *cy0 = grid_cell (r->y0, layer->bbox.y0, layer->bbox.y1, layer->grid_n);
  *cy1 = grid_cell (r->y1, layer->bbox.y0, layer->bbox.y1, layer->grid_n);
}

/* Every feature in the cells its box covers (counted, then placed); those
 * covering too many cells are kept apart and always looked at. */
static void
build_grid (AtlasUserLayer *layer)
{
  guint n_features = layer->features->len, n, n_cells, *fill = NULL;

  if (n_features < GRID_MIN_FEATURES)
    return;
  n = (guint) CLAMP (sqrt ((double) n_features / GRID_PER_CELL), 1, GRID_MAX_N);
  n_cells = n * n;
  layer->grid_n = n;
  layer->grid_start = g_new0 (guint, n_cells + 1);
  layer->large = g_array_new (FALSE, FALSE, sizeof (guint));
  for (int pass = 0; pass < 2; pass++)
    {
      for (guint i = 0; i < n_features; i++)
        {
          const AtlasUserFeature *f = g_ptr_array_index (layer->features, i);
          guint cx0, cy0, cx1, cy1;

          grid_range (layer, &f->bbox, &cx0, &cy0, &cx1, &cy1);
          if ((gsize) (cx1 - cx0 + 1) * (cy1 - cy0 + 1) > GRID_MAX_CELLS_PER_FEATURE)
            {
              if (pass == 0)
                g_array_append_val (layer->large, i);
              continue;
            }
          for (guint cy = cy0; cy <= cy1; cy++)
            for (guint cx = cx0; cx <= cx1; cx++)
              if (pass == 0)
                layer->grid_start[cy * n + cx + 1]++;
              else
                layer->grid_items[fill[cy * n + cx]++] = i;
        }
      if (pass == 0)
        {
          for (guint c = 0; c < n_cells; c++)
            layer->grid_start[c + 1] += layer->grid_start[c];
          layer->grid_items = g_new (guint, MAX (layer->grid_start[n_cells], 1));
          fill = g_memdup2 (layer->grid_start, n_cells * sizeof (guint));
        }
    }
  g_free (fill);
}

/* Calls @func once for each feature whose box meets @rect (world), in the
 * file's order within a cell of the layer's grid. Any thread. */
void
atlas_user_layer_foreach_in (const AtlasUserLayer *layer,
                             const AtlasRect      *rect,
                             AtlasUserFeatureFunc  func,
                             gpointer              user_data)
{
  guint qx0, qy0, qx1, qy1, n = layer->grid_n;

  if (n == 0)
    {
      for (guint i = 0; i < layer->features->len; i++)
        {
          const AtlasUserFeature *f = g_ptr_array_index (layer->features, i);

          if (atlas_rect_intersects (&f->bbox, rect))
            func (f, i, user_data);
        }
      return;
    }
  if (!atlas_rect_intersects (&layer->bbox, rect))
    return;
  grid_range (layer, rect, &qx0, &qy0, &qx1, &qy1);
  for (guint cy = qy0; cy <= qy1; cy++)
    for (guint cx = qx0; cx <= qx1; cx++)
      for (guint k = layer->grid_start[cy * n + cx]; k < layer->grid_start[cy * n + cx + 1]; k++)
        {
          guint i = layer->grid_items[k];
          const AtlasUserFeature *f = g_ptr_array_index (layer->features, i);
          guint fx0, fy0, fx1, fy1;

          if (!atlas_rect_intersects (&f->bbox, rect))
            continue;
          /* a feature in several cells: only from the first of them in the query */
          grid_range (layer, &f->bbox, &fx0, &fy0, &fx1, &fy1);
          if (MAX (fx0, qx0) == cx && MAX (fy0, qy0) == cy)
            func (f, i, user_data);
        }
  for (guint k = 0; k < layer->large->len; k++)
    {
      guint i = g_array_index (layer->large, guint, k);
      const AtlasUserFeature *f = g_ptr_array_index (layer->features, i);

      if (atlas_rect_intersects (&f->bbox, rect))
        func (f, i, user_data);
    }
}

static gboolean
read_layer (Loader    *loader,
            OGRLayerH  ogr_layer,
            GError   **error)
{
  OGRFeatureDefnH defn = OGR_L_GetLayerDefn (ogr_layer);
  int n_fields = OGR_FD_GetFieldCount (defn);
  OGRCoordinateTransformationH ct = NULL;
  AtlasUserLayer *layer;
  OGRFeatureH feat;
  gboolean ok = TRUE;

  if (!make_transform (loader, ogr_layer, &ct, error))
    return FALSE;

  layer = g_new0 (AtlasUserLayer, 1);
  layer->name = g_strdup (OGR_L_GetName (ogr_layer));
  layer->file = g_strdup (loader->path);
  layer->features = g_ptr_array_new ();
  layer->fields = g_new0 (char *, n_fields + 1);
  for (int i = 0; i < n_fields; i++)
    layer->fields[i] = g_strdup (OGR_Fld_GetNameRef (OGR_FD_GetFieldDefn (defn, i)));
  layer->name_field = pick_name_field (defn);
  g_ptr_array_add (loader->out->layers, layer);

  OGR_L_ResetReading (ogr_layer);
  CPLErrorReset ();
  while (ok && (feat = OGR_L_GetNextFeature (ogr_layer)) != NULL)
    {
      ok = read_feature (loader, layer, feat, ct, n_fields, error);
      OGR_F_Destroy (feat);
      if (ok && ++loader->done % PROGRESS_EVERY == 0)
        {
          report_progress (loader);
          ok = !g_cancellable_set_error_if_cancelled (loader->cancellable, error);
        }
    }
  if (ok && CPLGetLastErrorType () >= CE_Failure)
    ok = fail (error, loader, ATLAS_USER_DATA_ERROR_READ, gdal_message (_("the file is broken")));
  if (ct != NULL)
    OCTDestroyCoordinateTransformation (ct);
  if (!ok)
    return FALSE;

  layer->bbox = (AtlasRect) { 1, 1, 0, 0 };
  layer->shape = ATLAS_USER_POINT;
  for (guint i = 0; i < layer->features->len; i++)
    {
      AtlasUserFeature *f = g_ptr_array_index (layer->features, i);

      layer->bbox.x0 = MIN (layer->bbox.x0, f->bbox.x0);
      layer->bbox.y0 = MIN (layer->bbox.y0, f->bbox.y0);
      layer->bbox.x1 = MAX (layer->bbox.x1, f->bbox.x1);
      layer->bbox.y1 = MAX (layer->bbox.y1, f->bbox.y1);
      if (i == 0)
        layer->shape = f->shape;
      else if (f->shape != layer->shape)
        layer->shape = ATLAS_USER_MIXED;
    }
  build_grid (layer);
  loader->out->n_features += layer->features->len;
  return TRUE;
}

static gboolean
read_dataset (Loader       *loader,
              GDALDatasetH  ds,
              GError      **error)
{
  int n = GDALDatasetGetLayerCount (ds);
  GDALDriverH driver = GDALGetDatasetDriver (ds);
  gboolean gpx = driver != NULL && g_strcmp0 (GDALGetDriverShortName (driver), "GPX") == 0;

  loader->total = 0;
  for (int i = 0; i < n; i++)
    {
      GIntBig count = OGR_L_GetFeatureCount (GDALDatasetGetLayer (ds, i), FALSE);

      loader->total = count < 0 || loader->total < 0 ? -1 : loader->total + count;
    }
  for (int i = 0; i < n; i++)
    {
      OGRLayerH layer = GDALDatasetGetLayer (ds, i);

      /* a GPX file's track and route points repeat its tracks and routes */
      if (gpx && (g_str_equal (OGR_L_GetName (layer), "track_points")
                  || g_str_equal (OGR_L_GetName (layer), "route_points")))
        continue;
      if (!read_layer (loader, layer, error))
        return FALSE;
    }
  /* layers without geometries (a GeoPackage's attribute tables …) are dropped */
  for (guint i = loader->out->layers->len; i-- > 0;)
    {
      AtlasUserLayer *layer = g_ptr_array_index (loader->out->layers, i);

      if (layer->features->len == 0)
        {
          g_ptr_array_remove_index (loader->out->layers, i);
          layer_free (layer, loader->ctx);
        }
    }
  if (loader->out->n_features == 0)
    return fail (error, loader, ATLAS_USER_DATA_ERROR_EMPTY, _("it holds no features with a geometry"));
  return TRUE;
}

static void
register_drivers (void)
{
  static gsize once = 0;

  if (g_once_init_enter (&once))
    {
      GDALAllRegister ();
      g_once_init_leave (&once, 1);
    }
}

AtlasUserData *
atlas_user_data_load (const char            *path,
                      const AtlasCrs        *crs,
                      GCancellable          *cancellable,
                      AtlasUserDataProgress  progress,
                      gpointer               progress_data,
                      GError               **error)
{
  static const AtlasCrs auto_crs = { ATLAS_CRS_AUTO, 0 };
  g_autofree char *display = g_path_get_basename (path);
  Loader loader = { path, display, crs != NULL ? crs : &auto_crs, cancellable, progress, progress_data };
  GDALDatasetH ds;
  gboolean ok;

  register_drivers ();
  loader.out = g_atomic_rc_box_new0 (AtlasUserData);
  loader.out->path = g_strdup (path);
  loader.out->layers = g_ptr_array_new ();
  loader.out->geos_context = loader.ctx = GEOS_init_r ();
  loader.out->crs = *loader.crs;
  if (!check_file (&loader, error))
    {
      atlas_user_data_free (loader.out);
      return NULL;
    }

  CPLPushErrorHandler (CPLQuietErrorHandler);
  ds = open_dataset (&loader, error);
  loader.reader = GEOSWKBReader_create_r (loader.ctx);
  loader.scratch = g_string_new (NULL);
  loader.offsets = g_array_new (FALSE, FALSE, sizeof (gsize));
  ok = ds != NULL && read_dataset (&loader, ds, error);
  g_string_free (loader.scratch, TRUE);
  g_array_unref (loader.offsets);
  GEOSWKBReader_destroy_r (loader.ctx, loader.reader);
  if (ds != NULL)
    GDALClose (ds);
  CPLPopErrorHandler ();

  if (!ok)
    {
      atlas_user_data_free (loader.out);
      return NULL;
    }
  if (loader.out->crs_note == NULL)
    loader.out->crs_note = g_strdup (loader.crs->kind == ATLAS_CRS_GCJ02 ? _("converted from GCJ-02 to WGS84")
                                     : loader.crs->kind == ATLAS_CRS_BD09 ? _("converted from BD-09 to WGS84")
                                     : _("read as WGS84 longitude/latitude"));
  if (progress != NULL)
    progress (1.0, progress_data);
  return loader.out;
}

typedef struct
{
  char                 *path;
  AtlasCrs              crs;
  AtlasUserDataProgress progress;
  gpointer              progress_data;
} LoadTask;

static void
load_task_free (LoadTask *t)
{
  g_free (t->path);
  g_free (t);
}

static void
load_thread (GTask        *task,
             gpointer      source,
             gpointer      task_data,
             GCancellable *cancellable)
{
  LoadTask *t = task_data;
  GError *error = NULL;
  AtlasUserData *data = atlas_user_data_load (t->path, &t->crs, cancellable, t->progress,
                                              t->progress_data, &error);

  if (data == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, data, (GDestroyNotify) atlas_user_data_free);
}

/* Loads on a worker thread; @progress is called on that thread. */
void
atlas_user_data_load_async (const char            *path,
                            const AtlasCrs        *crs,
                            GCancellable          *cancellable,
                            AtlasUserDataProgress  progress,
                            gpointer               progress_data,
                            GAsyncReadyCallback    callback,
                            gpointer               user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  LoadTask *t = g_new0 (LoadTask, 1);

  t->path = g_strdup (path);
  t->crs = crs != NULL ? *crs : (AtlasCrs) { ATLAS_CRS_AUTO, 0 };
  t->progress = progress;
  t->progress_data = progress_data;
  g_task_set_source_tag (task, atlas_user_data_load_async);
  g_task_set_task_data (task, t, (GDestroyNotify) load_task_free);
  g_task_run_in_thread (task, load_thread);
}

AtlasUserData *
atlas_user_data_load_finish (GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

typedef struct
{
  GEOSContextHandle_t  ctx;
  GEOSGeometry        *pt;
  double               tol_deg;
  const AtlasUserFeature *hit;
  guint                hit_index;
} Hit;

static void
hit_cb (const AtlasUserFeature *f,
        guint                   index,
        gpointer                user_data)
{
  Hit *h = user_data;
  double d = G_MAXDOUBLE;

  if (h->hit != NULL && index < h->hit_index)
    return;
  if (GEOSDistance_r (h->ctx, f->geos, h->pt, &d) && d <= (f->shape == ATLAS_USER_POLYGON ? 0 : h->tol_deg))
    {
      h->hit = f;
      h->hit_index = index;
    }
}

/* The feature at a world point, within @tolerance (world units) of points
 * and lines; the topmost (last) one wins. */
const AtlasUserFeature *
atlas_user_layer_hit (const AtlasUserLayer *layer,
                      gpointer              geos_context,
                      double                world_x,
                      double                world_y,
                      double                tolerance)
{
  AtlasRect r = { world_x - tolerance, world_y - tolerance, world_x + tolerance, world_y + tolerance };
  double lon = atlas_geo_world_x_to_lon (world_x), lat = atlas_geo_world_y_to_lat (world_y);
  Hit h = { geos_context, NULL, fabs (atlas_geo_world_x_to_lon (world_x + tolerance) - lon), NULL, 0 };

  h.pt = GEOSGeom_createPointFromXY_r (h.ctx, lon, lat);
  atlas_user_layer_foreach_in (layer, &r, hit_cb, &h);
  GEOSGeom_destroy_r (h.ctx, h.pt);
  return h.hit;
}
