package mentorvault

import "errors"

// ErrLostRace marks a store error that says the transaction lost a race
// with another one and was aborted for it (on PostgreSQL a deadlock or a
// serialisation failure): nothing it did is kept, and the same transaction
// run again from the start may well succeed. The store wraps such errors so
// that errors.Is(err, ErrLostRace) holds; the service retries on it.
var ErrLostRace = errors.New("the transaction lost a race with another and must be run again")
