/* atlas-window.h — the main window */
#pragma once

#include <adwaita.h>

#include "atlas-application.h"
#include "map/atlas-tile-source.h"
#include "model/atlas-layer-state.h"
#include "model/atlas-selection.h"

G_BEGIN_DECLS

/* The figure a first start shows: 图02, the plan's spatial structure. */
#define ATLAS_FIRST_FIGURE 2

#define ATLAS_TYPE_WINDOW (atlas_window_get_type ())
G_DECLARE_FINAL_TYPE (AtlasWindow, atlas_window, ATLAS, WINDOW, AdwApplicationWindow)

AtlasWindow     *atlas_window_new             (AtlasApplication     *application,
                                               AtlasBasemapRenderer *renderer,
                                               const char           *message,
                                               const AtlasStartView *start_view);
void             atlas_window_set_overlays    (AtlasWindow          *self,
                                               AtlasData            *data,
                                               AtlasPlanIndex       *index,
                                               const char           *problem);
GtkWidget       *atlas_window_get_plan_panel  (AtlasWindow          *self);
GtkWidget       *atlas_window_open_export_dialog (AtlasWindow       *self);
gboolean         atlas_window_is_base_painted (AtlasWindow          *self);
guint            atlas_window_search          (AtlasWindow          *self,
                                               const char           *text);
void             atlas_window_choose_search_result (AtlasWindow     *self,
                                                    guint            i);
gboolean         atlas_window_show_figure     (AtlasWindow          *self,
                                               guint                 number,
                                               gboolean              animate);
void             atlas_window_show_layers     (AtlasWindow          *self,
                                               const char           *ids);
AtlasOverlayFeature *atlas_window_select_at  (AtlasWindow          *self,
                                               double                latitude,
                                               double                longitude);
GPtrArray       *atlas_window_get_here        (AtlasWindow          *self);
GtkWidget       *atlas_window_get_search_list (AtlasWindow          *self);
GtkWidget       *atlas_window_get_map_widget  (AtlasWindow          *self);
const char      *atlas_window_get_card_text   (AtlasWindow          *self);
GtkWidget       *atlas_window_get_layer_panel (AtlasWindow          *self);
GtkWidget       *atlas_window_get_user_panel  (AtlasWindow          *self);
void             atlas_window_open_file       (AtlasWindow          *self,
                                               const char           *path);
void             atlas_window_set_basemap     (AtlasWindow          *self,
                                               const char           *spec,
                                               const char           *attribution);
gpointer         atlas_window_get_basemap     (AtlasWindow          *self);
ShumateViewport *atlas_window_get_viewport    (AtlasWindow          *self);
AtlasTileSource *atlas_window_get_tile_source (AtlasWindow          *self);
void             atlas_window_go_to_view      (AtlasWindow          *self,
                                               const char           *view_id,
                                               gboolean              animate);
const char      *atlas_window_get_message     (AtlasWindow          *self);
AtlasLayerState *atlas_window_get_layer_state (AtlasWindow          *self);
AtlasSelection  *atlas_window_get_selection   (AtlasWindow          *self);
AtlasTileSource *atlas_window_get_overlay_source (AtlasWindow       *self);

G_END_DECLS
