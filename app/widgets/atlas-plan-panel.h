/* atlas-plan-panel.h — the plan beside the map */
#pragma once

#include <adwaita.h>

#include "model/atlas-plan-index.h"
#include "model/atlas-selection.h"

G_BEGIN_DECLS

#define ATLAS_TYPE_PLAN_PANEL (atlas_plan_panel_get_type ())
G_DECLARE_FINAL_TYPE (AtlasPlanPanel, atlas_plan_panel, ATLAS, PLAN_PANEL, GtkWidget)

AtlasPlanPanel *atlas_plan_panel_new          (AtlasPlan      *plan,
                                               AtlasPlanIndex *index,
                                               AtlasSelection *selection);
void            atlas_plan_panel_open_section (AtlasPlanPanel *self,
                                               const char     *section_id);
void            atlas_plan_panel_show_contents (AtlasPlanPanel *self);
char           *atlas_plan_panel_get_text     (AtlasPlanPanel *self);
const char     *atlas_plan_panel_get_page     (AtlasPlanPanel *self);
void            atlas_plan_panel_set_here     (AtlasPlanPanel *self,
                                               GPtrArray      *entities);

G_END_DECLS
