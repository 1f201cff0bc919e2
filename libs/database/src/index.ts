export * from './database-url';
export * from './embedded-postgres';
export * from './migrations';
export * from './prisma-client';
export * from './repo-root';
export * from './generated/prisma/client';
export * from './schema-diff';
export * from './local-database';
