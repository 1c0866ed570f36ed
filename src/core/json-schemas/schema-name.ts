/** The RFC 7643/7644 schemas AJV validates against, by name (what a suite's `{schema: …}` assertion names). */
export type SchemaName =
  | 'User'
  | 'Group'
  | 'ListResponse'
  | 'UserListResponse'
  | 'GroupListResponse'
  | 'Error'
  | 'ServiceProviderConfig'
  | 'ResourceType'
  | 'Schema'
  | 'PatchOp';
