// Request body types for Notion endpoints whose SDK types are too narrow to hold what the reference allows.
import type { CreateViewParameters, QueryDataSourceParameters, UpdateViewParameters } from '@notionhq/client';

/**
 * A view's filter and sorts take the data-source query shapes ("Working with views":
 * developers.notion.com/guides/data-apis/working-with-views, "Filters and sorts"). SDK 5.26 declares
 * both as `Record<string, never>`, which no real filter satisfies, so these two fields are retyped
 * from the query endpoint's own parameter types; every other field keeps the SDK's type.
 */
export type ViewFilter = NonNullable<QueryDataSourceParameters['filter']>;
export type ViewSorts = NonNullable<QueryDataSourceParameters['sorts']>;

/**
 * A view's parent: exactly one of `database_id`, `view_id` (a dashboard) or `create_database`; Notion
 * answers 400 when none or several are given (developers.notion.com/reference/create-view). SDK 5.26
 * marks all three optional, which let a request with none of them type-check: this union does not.
 */
type ViewParent =
  | { database_id: string; view_id?: never; create_database?: never }
  | { view_id: string; database_id?: never; create_database?: never }
  | {
      create_database: NonNullable<CreateViewParameters['create_database']>;
      database_id?: never;
      view_id?: never;
    };

/** POST /v1/views (developers.notion.com/reference/create-view). */
export type CreateViewRequest = Omit<
  CreateViewParameters,
  'filter' | 'sorts' | 'database_id' | 'view_id' | 'create_database'
> &
  ViewParent & {
    filter?: ViewFilter;
    sorts?: ViewSorts;
  };

/** PATCH /v1/views/{view_id} (developers.notion.com/reference/update-a-view). */
export type UpdateViewRequest = Omit<UpdateViewParameters, 'view_id' | 'filter' | 'sorts'> & {
  filter?: ViewFilter | null;
  sorts?: ViewSorts | null;
};
