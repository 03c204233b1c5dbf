/** Keyset page request: at most `first` items strictly after the key `after` in list order. */
export interface PageArgs {
  first: number;
  /** Key of the last item of the previous page (an id, or a message index as a string). */
  after?: string | null | undefined;
}

export interface Page<T> {
  items: T[];
  hasNextPage: boolean;
}
