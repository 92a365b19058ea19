/* atlas-locate.h — "where does it fall": a user's feature against the plan
 *
 * For a geometry in WGS84 lon/lat: the county at its representative point,
 * every plan zone containing it (for polygons and lines with the share of the
 * feature inside), every plan line or point within the locator's distance
 * (10 km by default) with the geodesic distance, and the plan sections those
 * cite. Zones are GEOS prepared geometries in an STRtree; lines and points
 * another STRtree. A locator is used from one thread at a time.
 */
#pragma once

#include "atlas-data.h"
#include "atlas-user-data.h"

G_BEGIN_DECLS

#define ATLAS_LOCATE_DISTANCE_KM 10.0

typedef struct
{
  const AtlasOverlayFeature *feature;
  double                     share;   /* of the user feature inside, 0–1 (1 for points) */
} AtlasLocateZone;

typedef struct
{
  const AtlasOverlayFeature *feature;
  double                     km;
} AtlasLocateNear;

typedef struct
{
  char              *name;
  char              *layer;      /* the user layer's name, nullable */
  AtlasUserShape     shape;
  double             lon, lat;   /* representative point */
  const AtlasCounty *county;     /* NULL outside Beijing, Tianjin and Hebei */
  GArray            *zones;      /* AtlasLocateZone, in layer order */
  GArray            *near;       /* AtlasLocateNear, nearest first */
  GPtrArray         *sections;   /* const AtlasSection *, in plan order */
} AtlasLocateEntry;

typedef struct _AtlasLocator AtlasLocator;

AtlasLocator     *atlas_locator_new          (AtlasData          *data,
                                              double              distance_km);
void              atlas_locator_free         (AtlasLocator       *self);
double            atlas_locator_get_distance (AtlasLocator       *self);

AtlasLocateEntry *atlas_locator_locate       (AtlasLocator       *self,
                                              const char         *name,
                                              const char         *layer,
                                              AtlasUserShape      shape,
                                              gconstpointer       geos_geometry);
GPtrArray        *atlas_locator_locate_all   (AtlasLocator       *self,
                                              AtlasUserData      *user_data);
void              atlas_locate_entry_free    (AtlasLocateEntry   *entry);

char             *atlas_locate_report_text   (GPtrArray          *entries,
                                              double              distance_km);
char             *atlas_locate_report_json   (GPtrArray          *entries,
                                              double              distance_km);
char             *atlas_locate_report_csv    (GPtrArray          *entries);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasLocator, atlas_locator_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasLocateEntry, atlas_locate_entry_free)

G_END_DECLS
