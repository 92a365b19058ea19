/* atlas-plan-index.h — what the plan says about each place
 *
 * Every county, gazetteer place and overlay feature is an entity; the index
 * maps each to the paragraphs that mention it, directly or through one of
 * the plan's collective names (北三县 → 三河市、大厂回族自治县、香河县), with
 * the paragraphs that define its role ranked first, and to the zones and
 * lines it belongs to or is crossed by.
 */
#pragma once

#include "atlas-data.h"

G_BEGIN_DECLS

typedef enum
{
  ATLAS_ENTITY_COUNTY,
  ATLAS_ENTITY_PLACE,
  ATLAS_ENTITY_FEATURE,
  ATLAS_ENTITY_AREA,      /* a prefecture, a province or a collective name */
} AtlasEntityKind;

typedef struct
{
  AtlasEntityKind  kind;
  char            *id;        /* county code, gazetteer id or feature id */
  char            *name_zh;   /* display name */
  char            *name_en;
  char            *context;   /* "廊坊市 · 河北省", a layer's name, … */
  gpointer         ref;       /* AtlasCounty, AtlasPlace or AtlasOverlayFeature */
  double           lon, lat;
  GPtrArray       *mentions;  /* AtlasMention, sorted: role first, then in plan order */
  GArray          *counties;  /* areas: guint32 county codes wholly included, else NULL */
  GArray          *partial;   /* areas: guint32 county codes partly included, else NULL */
  GPtrArray       *places;    /* areas: AtlasEntity places that mark it, else NULL */
  double           area_km2;  /* areas: the sum of their whole counties */
} AtlasEntity;

typedef struct
{
  const AtlasSection   *section;
  const AtlasParagraph *paragraph;
  guint                 paragraph_index;   /* in the plan, for ordering */
  guint                 offset;            /* byte offset of the match, or 0 */
  guint                 length;            /* byte length of the match, 0 if none */
  const char           *term;              /* the name that matched */
  gboolean              role;              /* defines the entity's role */
  gboolean              lead;              /* the name opens the paragraph */
  gboolean              via_alias;         /* matched a collective name */
  AtlasEntity          *about;             /* inside mentions: the feature or place inside */
} AtlasMention;

/* A zone or line the entity belongs to, or a feature or place inside it. */
typedef struct
{
  AtlasEntity *entity;
  double       share;     /* of the entity (memberships) or of the county (inside); 1 if whole,
                           * NAN when not known (a zone inside an area's counties) */
  gboolean     partial;   /* the county belongs to a partial member */
} AtlasMembership;

/* A probable misprint of the official text, kept as printed. */
typedef struct
{
  char *printed;
  char *probable;
  char *note_zh;          /* "原文如此，疑为…" */
  char *note_en;
} AtlasPlanNote;

/* Places and counties are on a line when it passes within this distance. */
#define ATLAS_LINE_BUFFER_KM 10.0

typedef struct
{
  AtlasEntity *entity;      /* nullable: a passage result */
  AtlasMention passage;     /* for passage results */
  double       score;
} AtlasSearchResult;

typedef struct _AtlasPlanIndex AtlasPlanIndex;

AtlasPlanIndex *atlas_plan_index_new            (AtlasData      *data,
                                                 GBytes         *aliases_json,
                                                 GError        **error);
AtlasPlanIndex *atlas_plan_index_ref            (AtlasPlanIndex *self);
void            atlas_plan_index_unref          (AtlasPlanIndex *self);

AtlasEntity    *atlas_plan_index_lookup         (AtlasPlanIndex *self,
                                                 const char     *name_or_id);
AtlasEntity    *atlas_plan_index_get_county     (AtlasPlanIndex *self,
                                                 guint32         code);
AtlasEntity    *atlas_plan_index_get_feature    (AtlasPlanIndex *self,
                                                 const AtlasOverlayFeature *feature);
GPtrArray      *atlas_plan_index_memberships    (AtlasPlanIndex *self,
                                                 AtlasEntity    *entity);
GArray         *atlas_plan_index_memberships_full (AtlasPlanIndex *self,
                                                   AtlasEntity    *entity);
void            atlas_plan_index_relations       (AtlasPlanIndex *self,
                                                  AtlasEntity    *entity,
                                                  GArray        **members,
                                                  GArray        **inside);
GArray         *atlas_plan_index_inside          (AtlasPlanIndex *self,
                                                  AtlasEntity    *entity);
GPtrArray      *atlas_plan_index_inside_mentions (AtlasPlanIndex *self,
                                                  AtlasEntity    *entity,
                                                  GArray         *inside);
GPtrArray      *atlas_plan_index_notes          (AtlasPlanIndex *self,
                                                 const AtlasParagraph *paragraph);
GArray         *atlas_plan_index_search         (AtlasPlanIndex *self,
                                                 const char     *query,
                                                 guint           max_results);
GPtrArray      *atlas_plan_index_features_citing (AtlasPlanIndex *self,
                                                  const char     *section_id);
double          atlas_entity_area_km2           (AtlasEntity    *entity,
                                                 double         *stated_km2);
const char     *atlas_entity_kind_to_string     (AtlasEntityKind kind);
char           *atlas_entity_to_json            (AtlasPlanIndex *self,
                                                 AtlasEntity    *entity);
char           *atlas_search_results_to_json    (GArray         *results);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtlasPlanIndex, atlas_plan_index_unref)

G_END_DECLS
