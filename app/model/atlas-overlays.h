/* atlas-overlays.h — the plan's overlay layers (maps/layers/GROUP.json)
 *
 * Groups → layers → features, each feature traced to the plan by its
 * plan_refs. Geometry is resolved on load: unions of counties through GEOS,
 * paths through gazetteer places, schematic rings, points and explicit
 * GeoJSON shapes, simplified per zoom band and projected to world
 * coordinates. Immutable once loaded; may be read from any thread.
 */
#pragma once

#include <gio/gio.h>

#include "atlas-basemap.h"
#include "atlas-gazetteer.h"
#include "atlas-plan.h"

G_BEGIN_DECLS

#define ATLAS_OVERLAYS_ERROR (atlas_overlays_error_quark ())

/**
 * AtlasOverlaysError:
 * @ATLAS_OVERLAYS_ERROR_SYNTAX: a file is not well-formed JSON or lacks a required key
 * @ATLAS_OVERLAYS_ERROR_REFERENCE: a feature names a county, place, section or class that does not exist
 * @ATLAS_OVERLAYS_ERROR_GEOMETRY: a feature's geometry cannot be built
 */
typedef enum
{
  ATLAS_OVERLAYS_ERROR_SYNTAX,
  ATLAS_OVERLAYS_ERROR_REFERENCE,
  ATLAS_OVERLAYS_ERROR_GEOMETRY,
} AtlasOverlaysError;

/* The widest a band (a corridor or belt of so many km) is drawn, in
 * pixels, so that it never hides the map when zoomed in. */
#define ATLAS_BAND_MAX_PX 160.0

typedef enum
{
  ATLAS_OVERLAY_ZONE,
  ATLAS_OVERLAY_BAND,
  ATLAS_OVERLAY_LINE,
  ATLAS_OVERLAY_POINT,
  ATLAS_OVERLAY_LABEL,
  ATLAS_N_OVERLAY_KINDS
} AtlasOverlayKind;

typedef enum
{
  ATLAS_SOURCE_COUNTIES,
  ATLAS_SOURCE_PATH,
  ATLAS_SOURCE_RING,
  ATLAS_SOURCE_POINT,
  ATLAS_SOURCE_GEOMETRY,
} AtlasGeometrySource;

typedef enum
{
  ATLAS_SHAPE_POLYGON,
  ATLAS_SHAPE_LINE,
  ATLAS_SHAPE_POINT,
} AtlasShape;

typedef enum
{
  ATLAS_HATCH_NONE,
  ATLAS_HATCH_DIAGONAL,
  ATLAS_HATCH_CROSS,
  ATLAS_HATCH_DOTS,
  ATLAS_HATCH_TREES,    /* small tree marks: woodland, the ecological screen */
} AtlasHatch;

typedef enum
{
  ATLAS_SYMBOL_NONE,
  ATLAS_SYMBOL_CIRCLE,
  ATLAS_SYMBOL_SQUARE,
  ATLAS_SYMBOL_TRIANGLE,
  ATLAS_SYMBOL_DIAMOND,
  ATLAS_SYMBOL_STAR,
  ATLAS_SYMBOL_AIRPORT,
  ATLAS_SYMBOL_SEAPORT,
  ATLAS_SYMBOL_DRYPORT,
  ATLAS_SYMBOL_HERITAGE,
  ATLAS_SYMBOL_RED_FLAG,
  ATLAS_SYMBOL_RESERVOIR,
  ATLAS_SYMBOL_LAB,
} AtlasSymbol;

typedef struct
{
  double r, g, b, a;
} AtlasColor;

typedef struct
{
  char        *id;
  char        *name_zh;
  char        *name_en;
  gboolean     has_fill;
  AtlasColor   fill;
  gboolean     has_stroke;
  AtlasColor   stroke;
  double       stroke_width;
  gboolean     has_dash;
  guint        n_dash;         /* 2, or 4 for dash-dot */
  double       dash[4];
  AtlasHatch   hatch;
  AtlasSymbol  symbol;
  double       symbol_size;
  double       band_width_px;
  gboolean     nested;         /* a circle: filled only outside the next inner circle */
  gboolean     arrow;          /* a corridor: arrow heads at the outer end of its lines */
} AtlasOverlayStyle;

typedef struct _AtlasOverlayGroup AtlasOverlayGroup;
typedef struct _AtlasOverlayLayer AtlasOverlayLayer;
typedef struct _AtlasOverlayFeature AtlasOverlayFeature;
typedef struct _AtlasVisibility AtlasVisibility;   /* atlas-visibility.h */

/* Features, layers and groups start with their id (the loader relies on it). */
struct _AtlasOverlayFeature
{
  char                *id;
  char                *name_zh;
  char                *name_en;
  char                *note;
  AtlasOverlayLayer   *layer;
  AtlasOverlayStyle   *style;
  AtlasGeometrySource  source;
  AtlasShape           shape;
  char               **plan_refs;
  gboolean             schematic;
  gboolean             directed;
  double               band_km;           /* 0: none */
  double               stated_area_km2;   /* NAN: the plan states none */
  double               area_km2;          /* NAN: not a zone */
  GArray              *counties;          /* guint32 county codes, expanded */
  GArray              *partial_counties;  /* guint32 */
  AtlasGeomLayer       geom[ATLAS_N_BANDS];
  AtlasGeomLayer       partial_geom[ATLAS_N_BANDS];
  AtlasPoint           anchor;            /* world: symbol or label point */
  double               anchor_lon, anchor_lat;
  AtlasRect            bbox;              /* world */
  guint                index;             /* in atlas_overlays_get_features () */
  gpointer             geos;              /* GEOSGeometry in lon/lat, zones only */
};

struct _AtlasOverlayLayer
{
  char              *id;
  char              *name_zh;
  char              *name_en;
  char             **plan_refs;
  AtlasOverlayKind   kind;
  AtlasOverlayGroup *group;
  GPtrArray         *styles;     /* AtlasOverlayStyle */
  GPtrArray         *features;   /* AtlasOverlayFeature, not owned */
  guint              index;      /* in atlas_overlays_get_layers () */
};

struct _AtlasOverlayGroup
{
  char      *id;
  char      *name_zh;
  char      *name_en;
  char     **plan_refs;
  int        order;
  GPtrArray *layers;             /* AtlasOverlayLayer, not owned */
};

#define ATLAS_TYPE_OVERLAYS (atlas_overlays_get_type ())
G_DECLARE_FINAL_TYPE (AtlasOverlays, atlas_overlays, ATLAS, OVERLAYS, GObject)

GQuark               atlas_overlays_error_quark      (void);

AtlasOverlays       *atlas_overlays_new_from_resource  (const char     *resource_path,
                                                        AtlasBasemap   *basemap,
                                                        AtlasGazetteer *gazetteer,
                                                        AtlasPlan      *plan,
                                                        GFile          *cache_dir,
                                                        GPtrArray      *problems,
                                                        GError        **error);
AtlasOverlays       *atlas_overlays_new_from_directory (GFile          *directory,
                                                        AtlasBasemap   *basemap,
                                                        AtlasGazetteer *gazetteer,
                                                        AtlasPlan      *plan,
                                                        GFile          *cache_dir,
                                                        GPtrArray      *problems,
                                                        GError        **error);
AtlasOverlays       *atlas_overlays_new_empty          (void);

GPtrArray           *atlas_overlays_get_groups       (AtlasOverlays  *self);
GPtrArray           *atlas_overlays_get_layers       (AtlasOverlays  *self);
GPtrArray           *atlas_overlays_get_features     (AtlasOverlays  *self);
AtlasOverlayFeature *atlas_overlays_lookup_feature   (AtlasOverlays  *self,
                                                      const char     *id);
AtlasOverlayLayer   *atlas_overlays_lookup_layer     (AtlasOverlays  *self,
                                                      const char     *id);
AtlasOverlayGroup   *atlas_overlays_lookup_group     (AtlasOverlays  *self,
                                                      const char     *id);

AtlasOverlayFeature *atlas_overlays_hit              (AtlasOverlays   *self,
                                                      AtlasVisibility *visibility,
                                                      double           world_x,
                                                      double           world_y,
                                                      double           zoom,
                                                      double           tolerance_px);
gboolean             atlas_overlay_feature_hit       (const AtlasOverlayFeature *feature,
                                                      double                     world_x,
                                                      double                     world_y,
                                                      double                     zoom,
                                                      double                     tolerance_px);
double               atlas_overlays_uncovered_fraction (AtlasOverlays             *self,
                                                        const AtlasOverlayFeature *inner,
                                                        const AtlasOverlayFeature *outer);
gboolean             atlas_overlays_band_anchor        (AtlasOverlays             *self,
                                                        const AtlasOverlayFeature *outer,
                                                        GPtrArray                 *inner,
                                                        AtlasPoint                *world);

const char          *atlas_overlay_kind_to_string    (AtlasOverlayKind  kind);
const char          *atlas_geometry_source_to_string (AtlasGeometrySource source);

void                 atlas_overlays_zone_shares       (AtlasOverlays        *self,
                                                       const AtlasGeomLayer *layer,
                                                       const AtlasFeature   *unit,
                                                       GPtrArray            *zones,
                                                       double               *of_unit,
                                                       double               *of_zone);

G_END_DECLS
