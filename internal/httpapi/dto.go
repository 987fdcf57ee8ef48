package httpapi

import (
	"time"

	"calibrate/internal/domain"
)

type orgDTO struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// meDTO is the caller's own record (GET /me, and the user of a login).
type meDTO struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Email     string  `json:"email"`
	Role      string  `json:"role"`
	Function  string  `json:"function"`
	Org       orgDTO  `json:"org"`
	ManagerID *string `json:"manager_id"`
	EMSince   *string `json:"em_since"`
}

func meOf(u domain.User, org domain.Organization) meDTO {
	return meDTO{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role), Function: string(u.Function),
		Org: orgDTO{org.ID, org.Name}, ManagerID: u.ManagerID, EMSince: u.EMSince}
}

// userDTO is the full record admins manage.
type userDTO struct {
	ID        string  `json:"id"`
	Name      string  `json:"name"`
	Email     string  `json:"email"`
	Role      string  `json:"role"`
	Function  string  `json:"function"`
	ManagerID *string `json:"manager_id"`
	// ManagerInactive: the manager is deactivated and the user still
	// reports to them ("reports to an inactive manager").
	ManagerInactive bool      `json:"manager_inactive"`
	EMSince         *string   `json:"em_since"`
	Active          bool      `json:"active"`
	CreatedAt       time.Time `json:"created_at"`
	UpdatedAt       time.Time `json:"updated_at"`
}

func userOf(u domain.User) userDTO {
	return userDTO{ID: u.ID, Name: u.Name, Email: u.Email, Role: string(u.Role), Function: string(u.Function),
		ManagerID: u.ManagerID, ManagerInactive: u.ManagerInactive, EMSince: u.EMSince, Active: u.Active,
		CreatedAt: u.CreatedAt, UpdatedAt: u.UpdatedAt}
}

// personDTO is what the directory shows of anyone.
type personDTO struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Role     string `json:"role"`
	Function string `json:"function"`
}

func personOf(u domain.User) personDTO {
	return personDTO{ID: u.ID, Name: u.Name, Role: string(u.Role), Function: string(u.Function)}
}

func frameworkOf(f domain.Framework) domain.Framework {
	if f.Criteria == nil {
		f.Criteria = []domain.Criterion{}
	}
	return f
}

func auditOf(e domain.AuditEntry) domain.AuditEntry { return e }
