package domain

import "time"

// Role is what a user may do in their organisation.
type Role string

const (
	RoleAdmin    Role = "admin"
	RoleDirector Role = "director"
	RoleEM       Role = "em"
	RolePeer     Role = "peer"
)

// Roles lists every role, in a stable order.
var Roles = []Role{RoleAdmin, RoleDirector, RoleEM, RolePeer}

func (r Role) Valid() bool {
	switch r {
	case RoleAdmin, RoleDirector, RoleEM, RolePeer:
		return true
	}
	return false
}

// Function is a user's discipline; it matters for peers (who a note comes from).
type Function string

const (
	FunctionProduct     Function = "product"
	FunctionDesign      Function = "design"
	FunctionOperations  Function = "operations"
	FunctionEngineering Function = "engineering"
	FunctionOther       Function = "other"
)

func (f Function) Valid() bool {
	switch f {
	case FunctionProduct, FunctionDesign, FunctionOperations, FunctionEngineering, FunctionOther:
		return true
	}
	return false
}

// Principal is the signed-in caller, as the auth middleware established it.
type Principal struct {
	UserID    string
	OrgID     string
	Role      Role
	SessionID string
	// ExpiresAt is when the credential the caller presented expires: a
	// request that outlives it (an event stream) ends then.
	ExpiresAt time.Time
}

func (p Principal) Is(roles ...Role) bool {
	for _, r := range roles {
		if p.Role == r {
			return true
		}
	}
	return false
}
