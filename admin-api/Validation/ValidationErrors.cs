namespace ApiGateway.AdminApi.Validation;

/// <summary>Collects every validation failure by camelCase field name, for an RFC 9457 <c>errors</c> member.</summary>
internal sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    public void Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var messages))
        {
            _errors[field] = messages = [];
        }
        messages.Add(message);
    }

    /// <summary>Every failure of <paramref name="inner"/>, each field named under <paramref name="prefix"/> (<c>keys[3].</c>).</summary>
    public void AddAll(string prefix, ValidationErrors inner)
    {
        ArgumentNullException.ThrowIfNull(inner);
        foreach (var (field, messages) in inner._errors)
        {
            foreach (var message in messages)
            {
                Add(prefix + field, message);
            }
        }
    }

    public Dictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);

    /// <summary>
    /// The failures as a console or portal form shows them: under the form field each API field belongs to
    /// (<paramref name="formField"/>), the messages of one form field joined in order, each once (<c>events[0]</c> and
    /// <c>events[1]</c> may both land on <c>events</c>, with the same message).
    /// </summary>
    public Dictionary<string, string> ToForm(Func<string, string> formField)
    {
        ArgumentNullException.ThrowIfNull(formField);
        return _errors
            .SelectMany(e => e.Value.Select(message => (Field: formField(e.Key), Message: message)))
            .GroupBy(e => e.Field, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => string.Join(" ", g.Select(e => e.Message).Distinct(StringComparer.Ordinal)), StringComparer.Ordinal);
    }
}
