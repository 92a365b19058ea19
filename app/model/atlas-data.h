/* atlas-data.h — everything the application reads from maps/ */
#pragma once

#include "atlas-basemap.h"
#include "atlas-figures.h"
#include "atlas-data-error.h"
#include "atlas-gazetteer.h"
#include "atlas-overlays.h"
#include "atlas-plan.h"

G_BEGIN_DECLS

typedef struct _AtlasPlanIndex AtlasPlanIndex;

#define ATLAS_RESOURCE_MAPS "/io/github/capitalatlas/CapitalAtlas/maps"

typedef struct
{
  AtlasBasemap   *basemap;
  AtlasGazetteer *gazetteer;   /* nullable */
  AtlasPlan      *plan;        /* nullable */
  AtlasOverlays  *overlays;
  AtlasFigures   *figures;     /* nullable: the plan's figures, once the overlays are loaded */
  GPtrArray      *problems;    /* char *: what could not be loaded, for the user */
  double          load_ms;
  /*< private >*/
  gatomicrefcount ref_count;
} AtlasData;

AtlasData     *atlas_data_load          (GFile      *maps_dir,
                                         gboolean    with_overlays);
GFile         *atlas_data_get_cache_dir (void);
AtlasOverlays *atlas_data_load_overlays (AtlasData  *data,
                                         GFile      *maps_dir,
                                         GFile      *cache_dir,
                                         GPtrArray  *problems,
                                         GError    **error);
void           atlas_data_load_overlays_async  (AtlasData           *data,
                                                GFile               *maps_dir,
                                                GFile               *cache_dir,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data);
AtlasOverlays *atlas_data_load_overlays_finish (AtlasData       *data,
                                                GAsyncResult    *result,
                                                AtlasFigures   **figures,
                                                AtlasPlanIndex **index,
                                                GPtrArray      **problems,
                                                GError         **error);
gboolean       atlas_data_has_figures   (GFile      *maps_dir);
AtlasFigures  *atlas_data_load_figures  (AtlasData     *data,
                                         GFile         *maps_dir,
                                         AtlasOverlays *overlays,
                                         GError       **error);
GBytes        *atlas_data_load_aliases  (GFile      *maps_dir,
                                         GError    **error);
AtlasData     *atlas_data_ref           (AtlasData  *data);
void           atlas_data_unref         (AtlasData  *data);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasData, atlas_data_unref)

G_END_DECLS
