/* atlas-user-data.h — users' own GIS files, read with GDAL/OGR
 *
 * Any vector file OGR reads (GeoJSON, KML/KMZ, GPX, Shapefile — also zipped —,
 * GeoPackage, CSV with lon/lat, x/y or 经度/纬度 columns …) becomes one
 * AtlasUserLayer per OGR layer: features as valid GEOS geometries in WGS84
 * longitude/latitude, with their attributes as UTF-8 text. A declared CRS is
 * reprojected to WGS84; coordinates without a CRS, or in China's offset
 * systems, are read as the caller's AtlasCrs says (WGS84, GCJ-02, BD-09 or an
 * EPSG code). Immutable once loaded; may be read from any thread.
 */
#pragma once

#include <gio/gio.h>

#include "atlas-geo.h"

G_BEGIN_DECLS

#define ATLAS_USER_DATA_ERROR (atlas_user_data_error_quark ())

/**
 * AtlasUserDataError:
 * @ATLAS_USER_DATA_ERROR_OPEN: the file is missing, empty or not a format OGR reads
 * @ATLAS_USER_DATA_ERROR_READ: the file opened but is broken (truncated, a part missing)
 * @ATLAS_USER_DATA_ERROR_CRS: its coordinate system is unknown or cannot be converted
 * @ATLAS_USER_DATA_ERROR_ENCODING: its attributes are not UTF-8 text
 * @ATLAS_USER_DATA_ERROR_EMPTY: it holds no feature with a geometry
 * @ATLAS_USER_DATA_ERROR_ARGUMENT: a coordinate-system name that is not understood
 */
typedef enum
{
  ATLAS_USER_DATA_ERROR_OPEN,
  ATLAS_USER_DATA_ERROR_READ,
  ATLAS_USER_DATA_ERROR_CRS,
  ATLAS_USER_DATA_ERROR_ENCODING,
  ATLAS_USER_DATA_ERROR_EMPTY,
  ATLAS_USER_DATA_ERROR_ARGUMENT,
} AtlasUserDataError;

typedef enum
{
  ATLAS_CRS_AUTO,    /* the file's own CRS; WGS84 when it declares none */
  ATLAS_CRS_WGS84,
  ATLAS_CRS_GCJ02,   /* China's offset datum (AutoNavi, Tencent) */
  ATLAS_CRS_BD09,    /* Baidu's offset of GCJ-02 */
  ATLAS_CRS_EPSG,
} AtlasCrsKind;

typedef struct
{
  AtlasCrsKind kind;
  int          epsg;   /* ATLAS_CRS_EPSG only */
} AtlasCrs;

typedef enum
{
  ATLAS_USER_POINT,
  ATLAS_USER_LINE,
  ATLAS_USER_POLYGON,
  ATLAS_USER_MIXED,
} AtlasUserShape;

typedef struct
{
  char           *name;      /* the name attribute, or "#N" */
  AtlasUserShape  shape;
  gpointer        geos;      /* GEOSGeometry, lon/lat WGS84, valid */
  AtlasRect       bbox;      /* world */
  char          **values;    /* one per field of the layer, UTF-8; NULL for none */
} AtlasUserFeature;

typedef struct
{
  char           *name;      /* the OGR layer's name */
  char           *file;      /* the file's path */
  char          **fields;    /* attribute names */
  int             name_field; /* index of the field used for names, or -1 */
  AtlasUserShape  shape;
  GPtrArray      *features;  /* AtlasUserFeature */
  AtlasRect       bbox;      /* world */
  /* a grid over bbox for atlas_user_layer_foreach_in(), built by the loader */
  guint           grid_n;     /* cells per side; 0: none (few features) */
  guint          *grid_start; /* grid_n² + 1 offsets into grid_items */
  guint          *grid_items; /* feature indices, by cell */
  GArray         *large;      /* guint: features too large for the grid */
} AtlasUserLayer;

typedef void (*AtlasUserFeatureFunc) (const AtlasUserFeature *feature,
                                      guint                   index,
                                      gpointer                user_data);

typedef struct
{
  char      *path;
  GPtrArray *layers;         /* AtlasUserLayer */
  guint      n_features;
  guint      n_repaired;     /* invalid polygons made valid */
  char      *crs_note;       /* how the coordinates were read, for the user */
  AtlasCrs   crs;            /* as asked for when loading */
  gpointer   geos_context;
} AtlasUserData;

typedef void (*AtlasUserDataProgress) (double   fraction,
                                       gpointer user_data);

GQuark         atlas_user_data_error_quark (void);

gboolean       atlas_crs_parse            (const char     *text,
                                           AtlasCrs       *crs,
                                           GError        **error);
char          *atlas_crs_to_string        (const AtlasCrs *crs);

void           atlas_wgs84_to_gcj02       (double          lon,
                                           double          lat,
                                           double         *out_lon,
                                           double         *out_lat);
void           atlas_gcj02_to_wgs84       (double          lon,
                                           double          lat,
                                           double         *out_lon,
                                           double         *out_lat);
void           atlas_gcj02_to_bd09        (double          lon,
                                           double          lat,
                                           double         *out_lon,
                                           double         *out_lat);
void           atlas_bd09_to_gcj02        (double          lon,
                                           double          lat,
                                           double         *out_lon,
                                           double         *out_lat);

AtlasUserData *atlas_user_data_load       (const char            *path,
                                           const AtlasCrs        *crs,
                                           GCancellable          *cancellable,
                                           AtlasUserDataProgress  progress,
                                           gpointer               progress_data,
                                           GError               **error);
void           atlas_user_data_load_async (const char            *path,
                                           const AtlasCrs        *crs,
                                           GCancellable          *cancellable,
                                           AtlasUserDataProgress  progress,
                                           gpointer               progress_data,
                                           GAsyncReadyCallback    callback,
                                           gpointer               user_data);
AtlasUserData *atlas_user_data_load_finish (GAsyncResult         *result,
                                            GError              **error);
AtlasUserData *atlas_user_data_ref        (AtlasUserData         *self);
void           atlas_user_data_free       (AtlasUserData         *self);   /* drops a reference */
const AtlasUserFeature *atlas_user_layer_hit (const AtlasUserLayer *layer,
                                              gpointer              geos_context,
                                              double                world_x,
                                              double                world_y,
                                              double                tolerance);

void           atlas_user_layer_foreach_in (const AtlasUserLayer *layer,
                                            const AtlasRect      *rect,
                                            AtlasUserFeatureFunc  func,
                                            gpointer              user_data);

const char    *atlas_user_shape_to_string (AtlasUserShape         shape);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasUserData, atlas_user_data_free)

G_END_DECLS
