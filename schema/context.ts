import type { Logger } from '../shared/logger.ts';
import type { Services, Viewer } from '../shared/services/index.ts';
import type { Loaders } from './loaders.ts';

/** The GraphQL context, built fresh for every request. Resolvers never import singletons. */
export interface GraphQLContext {
  viewer: Viewer;
  services: Services;
  loaders: Loaders;
  logger: Logger;
}
