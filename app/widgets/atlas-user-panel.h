/* atlas-user-panel.h — "我的数据 / My data": the user's own files on the map
 *
 * One row per OGR layer of each opened file (visibility, colour, opacity,
 * label attribute, feature count, remove); the files load on a worker thread
 * with progress and a cancel button; their layers are drawn as tiles above
 * the plan's overlays; a clicked feature shows its attributes and where it
 * falls in the plan. The opened paths are remembered in GSettings.
 */
#pragma once

#include <adwaita.h>
#include <shumate/shumate.h>

#include "model/atlas-data.h"
#include "model/atlas-user-data.h"

G_BEGIN_DECLS

#define ATLAS_TYPE_USER_PANEL (atlas_user_panel_get_type ())
G_DECLARE_FINAL_TYPE (AtlasUserPanel, atlas_user_panel, ATLAS, USER_PANEL, GtkBox)

AtlasUserPanel *atlas_user_panel_new          (ShumateSimpleMap *map,
                                               ShumateLayer     *above,
                                               AtlasData        *data,
                                               GSettings        *settings);
void            atlas_user_panel_open_file    (AtlasUserPanel   *self,
                                               const char       *path);
void            atlas_user_panel_choose_file  (AtlasUserPanel   *self);
void            atlas_user_panel_restore      (AtlasUserPanel   *self);
gboolean        atlas_user_panel_select_at    (AtlasUserPanel   *self,
                                               double            latitude,
                                               double            longitude);
guint           atlas_user_panel_get_n_layers (AtlasUserPanel   *self);
gboolean        atlas_user_panel_is_loading   (AtlasUserPanel   *self);
double          atlas_user_panel_get_progress (AtlasUserPanel   *self);
const char     *atlas_user_panel_get_details  (AtlasUserPanel   *self);
gpointer        atlas_user_panel_get_renderer (AtlasUserPanel   *self);
void            atlas_user_panel_set_measuring (AtlasUserPanel  *self,
                                                gboolean         measuring);
void            atlas_user_panel_start_marks  (AtlasUserPanel   *self,
                                               const char       *path);
void            atlas_user_panel_stop_marking (AtlasUserPanel   *self);
void            atlas_user_panel_set_locating (AtlasUserPanel   *self,
                                               gboolean          locating);
const char     *atlas_user_panel_get_tool_text (AtlasUserPanel  *self);
void            atlas_user_panel_set_crs      (AtlasUserPanel   *self,
                                               AtlasCrsKind      kind);

G_END_DECLS
