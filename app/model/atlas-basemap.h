/* atlas-basemap.h — the offline base map's vector data
 *
 * An AtlasBasemap holds the processed data of maps/basemap/: geometry
 * layers in four zoom bands, projected to world coordinates on load, plus
 * the label points and the county and prefecture tables. It is immutable
 * once loaded and may be read from any thread.
 */
#pragma once

#include <gio/gio.h>

#include "atlas-geo.h"

G_BEGIN_DECLS

#define ATLAS_BASEMAP_ERROR (atlas_basemap_error_quark ())

/**
 * AtlasBasemapError:
 * @ATLAS_BASEMAP_ERROR_MISSING: a file of the base map is not there
 * @ATLAS_BASEMAP_ERROR_CORRUPT: a file is there but cannot be read as what it should be
 */
typedef enum
{
  ATLAS_BASEMAP_ERROR_MISSING,
  ATLAS_BASEMAP_ERROR_CORRUPT,
} AtlasBasemapError;

typedef enum
{
  ATLAS_LAYER_LAND,
  ATLAS_LAYER_PROVINCES,
  ATLAS_LAYER_PREFECTURES,
  ATLAS_LAYER_COUNTIES,
  ATLAS_LAYER_LAKES,
  ATLAS_LAYER_RIVERS,
  ATLAS_LAYER_BORDERS,
  ATLAS_LAYER_COAST,
  /* optional layers: a broken file leaves them empty, see
   * atlas_basemap_get_problems() */
  ATLAS_LAYER_RAILWAYS,        /* bands 1-3 */
  ATLAS_LAYER_URBAN,           /* bands 0-2: built-up areas */
  ATLAS_N_LAYERS
} AtlasLayerId;

#define ATLAS_N_CORE_LAYERS (ATLAS_LAYER_COAST + 1)

/* Kinds of the lakes layer. */
enum
{
  ATLAS_LAKE_GSHHG = 0,
  ATLAS_LAKE_SCHEMATIC = 1,    /* lakes the sources lack, schematic outline */
};

#define ATLAS_N_BANDS 4

/* Kinds of the borders layer. */
enum
{
  ATLAS_BORDER_PROVINCE = 1,
  ATLAS_BORDER_PREFECTURE = 2,
  ATLAS_BORDER_COUNTY = 3,
};

typedef struct
{
  guint16   kind;
  guint32   code;
  AtlasRect bbox;          /* world coordinates */
  guint     first_part;    /* index into the layer's parts */
  guint     n_parts;
} AtlasFeature;

typedef struct
{
  AtlasRect bbox;
  guint     first_point;   /* index into the layer's points */
  guint     n_points;
} AtlasPart;

typedef struct
{
  gboolean      polygons;
  guint         n_features;
  AtlasFeature *features;
  guint         n_parts;
  AtlasPart    *parts;
  guint         n_points;
  AtlasPoint   *points;    /* world coordinates */
} AtlasGeomLayer;

typedef enum
{
  ATLAS_LABEL_SEA,
  ATLAS_LABEL_PROVINCE,
  ATLAS_LABEL_PREFECTURE,
  ATLAS_LABEL_COUNTY,
  ATLAS_LABEL_PLACE,
  ATLAS_LABEL_RELIEF,          /* mountains, plateaus, plains: spaced out */
  ATLAS_LABEL_WATER,           /* bays */
  ATLAS_LABEL_STATION,         /* railway stations (OpenStreetMap) */
  /* the plan's features: every kind above is the base map's */
  ATLAS_LABEL_OVERLAY_POINT,   /* beside an overlay symbol */
  ATLAS_LABEL_OVERLAY_AREA,    /* centred on a zone or a line */
} AtlasLabelKind;

typedef struct
{
  AtlasLabelKind kind;
  guint          rank;
  guint          min_zoom;
  guint          max_zoom;
  double         lon, lat;
  AtlasPoint     world;
  guint32        code;
  char          *name_zh;
  char          *name_en;
  gboolean       has_colour;   /* overlay labels take their feature's colour */
  double         r, g, b;
  double         offset;       /* gap between the anchor and the text, pixels */
} AtlasLabel;

typedef struct
{
  guint32  code;
  char    *name_zh;
  char    *name_en;
  guint32  prefecture_code;
  char    *prefecture_zh;
  guint32  province_code;
  char    *province_zh;
  double   area_km2;
  double   label_lon, label_lat;
} AtlasCounty;

/* The hillshade: one byte a pixel on the Web Mercator pixel grid of @zoom
 * (pixel (x0, y0) is the top-left one); 128 = no shading, less = shadow,
 * more = light. */
typedef struct
{
  guint         zoom;
  guint         x0, y0;
  guint         width, height;
  const guint8 *pixels;        /* width × height, rows top to bottom */
} AtlasRelief;

typedef struct
{
  char       *name_zh;
  double      lon, lat;
  AtlasPoint  world;
} AtlasStation;

#define ATLAS_TYPE_BASEMAP (atlas_basemap_get_type ())
G_DECLARE_FINAL_TYPE (AtlasBasemap, atlas_basemap, ATLAS, BASEMAP, GObject)

GQuark                atlas_basemap_error_quark        (void);

AtlasBasemap         *atlas_basemap_new_from_resource  (const char    *resource_path,
                                                        GError       **error);
AtlasBasemap         *atlas_basemap_new_from_directory (GFile         *directory,
                                                        GError       **error);
AtlasBasemap         *atlas_basemap_new_empty          (void);

guint                 atlas_basemap_band_for_zoom      (guint          zoom);
const AtlasGeomLayer *atlas_basemap_get_layer          (AtlasBasemap  *self,
                                                        AtlasLayerId   layer,
                                                        guint          band);
const AtlasLabel     *atlas_basemap_get_labels         (AtlasBasemap  *self,
                                                        guint         *n_labels);
const AtlasCounty    *atlas_basemap_get_counties       (AtlasBasemap  *self,
                                                        guint         *n_counties);
const AtlasCounty    *atlas_basemap_lookup_county      (AtlasBasemap  *self,
                                                        guint32        code);
gboolean              atlas_basemap_is_empty           (AtlasBasemap  *self);
const AtlasRelief    *atlas_basemap_get_relief         (AtlasBasemap  *self);
const AtlasStation   *atlas_basemap_get_stations       (AtlasBasemap  *self,
                                                        guint         *n_stations);
GPtrArray            *atlas_basemap_get_problems       (AtlasBasemap  *self);

double                atlas_geom_feature_area_km2      (const AtlasGeomLayer *layer,
                                                        const AtlasFeature   *feature);
const AtlasFeature   *atlas_geom_layer_hit             (const AtlasGeomLayer *layer,
                                                        double                world_x,
                                                        double                world_y);


G_END_DECLS
