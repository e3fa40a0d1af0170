// The in-memory exporters listen to process-wide instruments: two test classes training at once would see each
// other's jobs, and on a 2-core machine running them one at a time is faster anyway.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
