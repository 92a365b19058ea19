/* atlas-figures.h — the plan's six figures (maps/figures.json) */
#pragma once

#include "atlas-overlays.h"
#include "atlas-plan.h"
#include "atlas-visibility.h"

G_BEGIN_DECLS

#define ATLAS_FIGURES_ERROR (atlas_figures_error_quark ())

/**
 * AtlasFiguresError:
 * @ATLAS_FIGURES_ERROR_SYNTAX: the file is not well-formed or lacks a required member
 * @ATLAS_FIGURES_ERROR_REFERENCE: a figure names a layer, group or section that does not exist
 * @ATLAS_FIGURES_ERROR_VALUE: a number, title or extent is not valid
 */
typedef enum
{
  ATLAS_FIGURES_ERROR_SYNTAX,
  ATLAS_FIGURES_ERROR_REFERENCE,
  ATLAS_FIGURES_ERROR_VALUE,
} AtlasFiguresError;

/* One figure: its title as the plan names it, the layers it shows (layer
 * or group ids), the ones it stresses (the others are drawn muted), the
 * extent it frames and the sections it illustrates. */
typedef struct
{
  guint   number;       /* 1 … */
  char   *title_zh;     /* "图02 首都都市圈空间结构规划图" */
  char   *title_en;
  char   *summary_zh;   /* nullable: the plan's formula, "一核两翼、双城多点、双廊多圈" */
  char  **plan_refs;
  double  west, south, east, north;
  char  **layers;
  char  **emphasis;
} AtlasFigure;

#define ATLAS_TYPE_FIGURES (atlas_figures_get_type ())
G_DECLARE_FINAL_TYPE (AtlasFigures, atlas_figures, ATLAS, FIGURES, GObject)

GQuark             atlas_figures_error_quark   (void);

AtlasFigures      *atlas_figures_new_from_bytes (GBytes           *bytes,
                                                 const char       *name,
                                                 AtlasOverlays    *overlays,
                                                 AtlasPlan        *plan,
                                                 GError          **error);
guint              atlas_figures_get_n_figures (AtlasFigures     *self);
const AtlasFigure *atlas_figures_get_figure    (AtlasFigures     *self,
                                                guint             i);
const AtlasFigure *atlas_figures_lookup        (AtlasFigures     *self,
                                                guint             number);
double             atlas_figures_get_muted_opacity (AtlasFigures *self);

AtlasRect          atlas_figure_get_extent     (const AtlasFigure *figure);
AtlasVisibility   *atlas_figure_get_visibility (AtlasFigures      *self,
                                                const AtlasFigure *figure,
                                                AtlasOverlays     *overlays);
GVariant          *atlas_figure_to_layer_variant (AtlasFigures      *self,
                                                  const AtlasFigure *figure,
                                                  AtlasOverlays     *overlays);
gboolean           atlas_figure_parse_number   (const char        *text,
                                                guint             *number);

G_END_DECLS
