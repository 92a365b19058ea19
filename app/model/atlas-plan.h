/* atlas-plan.h — the plan's text, structured (maps/plan/plan.json) */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char *id;        /* "4.4.2/p3" */
  char *text;
} AtlasParagraph;

typedef struct
{
  char           *id;          /* "4.4.2" */
  char           *kind;        /* preface, chapter, section, item, figures, approval */
  char           *parent;      /* nullable */
  char           *number_zh;
  char           *title_zh;
  char           *title_en;
  guint           n_paragraphs;
  AtlasParagraph *paragraphs;
} AtlasSection;

#define ATLAS_TYPE_PLAN (atlas_plan_get_type ())
G_DECLARE_FINAL_TYPE (AtlasPlan, atlas_plan, ATLAS, PLAN, GObject)

AtlasPlan          *atlas_plan_new_from_bytes (GBytes      *bytes,
                                               const char  *name,
                                               GError     **error);
gboolean            atlas_section_within      (const char  *id,
                                               const char  *ancestor);
const AtlasSection *atlas_plan_lookup         (AtlasPlan   *self,
                                               const char  *id);
const AtlasSection *atlas_plan_get_sections   (AtlasPlan   *self,
                                               guint       *n_sections);
const char         *atlas_plan_get_title      (AtlasPlan   *self);

G_END_DECLS
