package calibration

import (
	"math"

	"calibrate/internal/domain"
)

// Composite is the weighted mean of the scores given for the framework's
// criteria, rounded to two decimals; nil when nothing is rated.
func Composite(fw domain.Framework, ratings []domain.Rating) *float64 {
	weights := map[string]float64{}
	for _, c := range fw.Criteria {
		weights[c.Key] = c.Weight
	}
	var sum, total float64
	for _, r := range ratings {
		w, ok := weights[r.Criterion]
		if !ok {
			continue
		}
		sum += w * float64(r.Score)
		total += w
	}
	if total == 0 {
		return nil
	}
	v := round2(sum / total)
	return &v
}

func round2(v float64) float64 { return math.Round(v*100) / 100 }
