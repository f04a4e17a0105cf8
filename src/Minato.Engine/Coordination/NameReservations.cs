using System.Collections.Concurrent;
using Minato.Engine.Errors;

namespace Minato.Engine.Coordination;

/// <summary>Names held by creates still in flight: the database refuses a second record with a taken name, and a
/// reservation also refuses a second create of the same name before the first has written anything.</summary>
/// <param name="noun">What is being created, for the message ("container", "pod sandbox").</param>
public sealed class NameReservations(string noun)
{
    private readonly ConcurrentDictionary<string, string> _names = new(StringComparer.Ordinal);

    /// <summary>Reserves <paramref name="name"/> for the object <paramref name="id"/>; dispose to release it.</summary>
    /// <exception cref="AlreadyExistsException">Another create holds the name.</exception>
    public IDisposable Reserve(string name, string id)
    {
        if (!_names.TryAdd(name, id))
        {
            throw new AlreadyExistsException($"{noun} {name} is already being created by another call");
        }

        return new Reservation(this, name, id);
    }

    private sealed class Reservation(NameReservations owner, string name, string id) : IDisposable
    {
        public void Dispose() => owner._names.TryRemove(new KeyValuePair<string, string>(name, id));
    }
}
