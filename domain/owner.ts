// The failure type of work refused because the database does not confirm the owner its workflow names.
export const OWNER_REFUSED = 'OwnerNotConfirmed';
