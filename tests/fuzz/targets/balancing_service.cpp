// The empirical service-time distribution's CSV (service=empirical, service.file: a column
// service_s), read when the model is made; a few draws and the mean follow.
#include "clustersim/balancing/components.hpp"
#include "clustersim/core/rng.hpp"
#include "fuzz_reader.hpp"

CLUSTERSIM_FUZZ_READER(balancing_service, "service.csv") {
  using namespace clustersim;
  const auto& entry = balancing::service_models().get("empirical");
  Params p;
  p.declare(entry.params, "service empirical");
  p.set("service.file", path);
  const auto model = entry.factory(p);
  RngStream rng(1, 0, "service");
  for (int i = 0; i < 4; ++i)
    model->draw(rng);
  model->mean();
}
