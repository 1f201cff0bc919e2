/** Returns the same server's connection string with another database name. */
export function withDatabaseName(connectionString: string, database: string): string {
  const url = new URL(connectionString);
  url.pathname = `/${encodeURIComponent(database)}`;
  return url.toString();
}

export function databaseNameOf(connectionString: string): string {
  return decodeURIComponent(new URL(connectionString).pathname.replace(/^\//, '')) || 'postgres';
}

/** PostgreSQL identifiers can't be parameters; names we build ourselves are checked before quoting. */
export function quoteIdentifier(name: string): string {
  if (!/^[A-Za-z0-9_-]{1,63}$/.test(name)) throw new Error(`unsafe database name: ${name}`);
  return `"${name}"`;
}
