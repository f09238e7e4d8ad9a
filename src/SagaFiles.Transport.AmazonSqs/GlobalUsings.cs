global using MassTransit;
global using MassTransit.Configuration;
global using MassTransit.Topology;
global using MassTransit.Transports;
global using MassTransit.Observables;
