// Each test class deploys its own in-process cluster; on a 2-core machine running them one at a time is faster and
// keeps step deadlines far away.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
